package io.jimg.transfer;

import java.util.Locale;

/**
 * The image name a file's name stands for, as systemd-import derives it: the file name without its image and
 * compression suffixes, taken off as long as one is left. Import and pull both name an image this way.
 */
public final class DerivedImageName {
  private DerivedImageName() {}

  private static final String[] SUFFIXES = {
      ".xz", ".gz", ".bz2", ".zst", ".zstd", ".tgz", ".txz", ".tbz2", ".tbz", ".tzst",
      ".tar", ".raw", ".qcow2", ".img"};

  /** {@code debian-12.tar.xz} gives {@code debian-12}; the directory part of a path is dropped. */
  public static String fromFileName(String fileName) {
    String name = fileName;
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      name = name.substring(slash + 1);
    }
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String suffix : SUFFIXES) {
        if (name.toLowerCase(Locale.ROOT).endsWith(suffix) && name.length() > suffix.length()) {
          name = name.substring(0, name.length() - suffix.length());
          stripped = true;
        }
      }
    }
    return name;
  }
}
