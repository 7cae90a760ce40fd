package io.jimg.transfer.oci;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.util.regex.Pattern;

/**
 * A content digest as jimg takes it: {@code sha256:} and 64 lower-case hex digits, nothing else. Validated before
 * it names anything (a blob's file, a registry path), so that no digest from a manifest can carry a path.
 */
public final class OciDigest {
  private OciDigest() {}

  public static final String SHA256 = "sha256:";
  private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /** Returns {@code digest} where it is a sha256 digest; USAGE naming it otherwise. */
  public static String check(String digest) throws JimgException {
    if (digest == null || !SHA256_DIGEST.matcher(digest).matches()) {
      throw new JimgException(Reason.USAGE, "'" + shown(digest)
          + "' is not a digest jimg takes: write sha256: and 64 lower-case hex digits");
    }
    return digest;
  }

  public static boolean isValid(String digest) {
    return digest != null && SHA256_DIGEST.matcher(digest).matches();
  }

  /** The 64 hex digits of a checked digest. */
  public static String hex(String digest) throws JimgException {
    return check(digest).substring(SHA256.length());
  }

  /** A bounded, printable form of untrusted text for messages. */
  static String shown(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < text.length() && i < 100; i++) {
      char c = text.charAt(i);
      shown.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return text.length() > 100 ? shown + "…" : shown.toString();
  }
}
