package io.jimg.transfer.pull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * systemd-pull's names for cached downloads in the pool: {@code .tar-<url>.<etag>} and
 * {@code .raw-<url>.<etag>.raw}, URL and ETag escaped as {@code \xNN} for {@code / . # " '}, backslash, control
 * and non-ASCII bytes. systemd-pull falls back to the URL's SHA-256 at about 240 characters; jimg does at 200,
 * the longest new image name the store accepts (it leaves room for {@code .#NAME.lck} and companions).
 */
public final class CacheNames {
  static final int MAX_NAME = 200;
  private static final String UNSAFE = "/.#\"'\\";

  private CacheNames() {}

  public static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < ' ' || c >= 127 || UNSAFE.indexOf(c) >= 0) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  /**
   * The cache entry's image name for a URL and ETag (null where the server sent none). A raw entry's file is
   * this name plus {@code .raw}, as the store names raw images; the length limit counts that suffix.
   */
  public static String entry(ImageFormat format, String url, String etag) {
    String prefix = "." + format.cachePrefix() + "-";
    int suffix = format == ImageFormat.RAW ? ".raw".length() : 0;
    String tail = etag == null ? "" : "." + escape(etag);
    String name = prefix + escape(url) + tail;
    if (name.length() + suffix < MAX_NAME) {
      return name;
    }
    name = prefix + sha256(url) + tail;
    return name.length() + suffix < MAX_NAME ? name : prefix + sha256(url + "\n" + etag);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
