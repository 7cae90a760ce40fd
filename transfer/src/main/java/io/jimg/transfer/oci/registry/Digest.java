package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.Sha256;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as registries and image layouts name blobs and manifests: {@code sha256:} and 64 lower-case hex
 * digits. Other algorithms are refused rather than trusted unchecked, and a digest is validated before it names
 * anything (a blob's file, a registry path), so that no digest from a manifest can carry a path.
 */
public record Digest(String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  public static final String ALGORITHM = "sha256";
  private static final int SHORT_FORM_DIGITS = 12;

  public Digest {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a sha256 digest: " + hex);
    }
  }

  /** A digest as a manifest or a header writes it; anything else is a one-line error. */
  public static Digest parse(String text) throws JimgException {
    if (isValid(text)) {
      return new Digest(text.substring(7));
    }
    String shown = text == null ? "nothing" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
    throw new JimgException(JimgException.Reason.FAILED, "not a sha256 digest: " + shown);
  }

  /** Whether {@code text} is {@code sha256:} and 64 lower-case hex digits, the only digests jimg takes. */
  public static boolean isValid(String text) {
    return text != null && text.startsWith(ALGORITHM + ":") && HEX.matcher(text.substring(7)).matches();
  }

  public static Digest of(byte[] bytes) {
    try (Sha256 sha256 = Sha256.create()) {
      sha256.update(bytes, 0, bytes.length);
      return of(sha256);
    }
  }

  public static Digest of(Sha256 finished) {
    return new Digest(HexFormat.of().formatHex(finished.digest()));
  }

  @Override
  public String toString() {
    return ALGORITHM + ":" + hex;
  }

  /** {@code sha256:} and the first 12 hex digits, as progress and messages name a blob (docker's short form). */
  public String shortForm() {
    return ALGORITHM + ":" + hex.substring(0, SHORT_FORM_DIGITS);
  }
}
