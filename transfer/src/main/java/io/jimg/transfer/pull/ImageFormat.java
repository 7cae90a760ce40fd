package io.jimg.transfer.pull;

import java.util.List;
import java.util.Locale;

/** Whether a pulled file is a tarball of a root or a raw disk image, told from its URL as systemd-pull does. */
public enum ImageFormat {
  TAR("tar"),
  RAW("raw");

  private static final List<String> COMPRESSIONS = List.of(".xz", ".gz", ".bz2", ".zst", ".zstd");
  private static final List<String> RAW_SUFFIXES = List.of(".raw", ".qcow2", ".img");

  private final String cachePrefix;

  ImageFormat(String cachePrefix) {
    this.cachePrefix = cachePrefix;
  }

  /** systemd-pull's cache name prefix, {@code tar} or {@code raw}. */
  public String cachePrefix() {
    return cachePrefix;
  }

  /** The format of a file name like {@code image.tar.xz} or {@code disk.raw.zst}; null where it cannot tell. */
  public static ImageFormat ofFileName(String fileName) {
    String base = stripCompression(fileName.toLowerCase(Locale.ROOT));
    if (base.endsWith(".tar") || base.endsWith(".tgz") || base.endsWith(".txz")) {
      return TAR;
    }
    for (String suffix : RAW_SUFFIXES) {
      if (base.endsWith(suffix)) {
        return RAW;
      }
    }
    return null;
  }

  private static String stripCompression(String fileName) {
    for (String suffix : COMPRESSIONS) {
      if (fileName.toLowerCase(Locale.ROOT).endsWith(suffix) && fileName.length() > suffix.length()) {
        return fileName.substring(0, fileName.length() - suffix.length());
      }
    }
    return fileName;
  }
}
