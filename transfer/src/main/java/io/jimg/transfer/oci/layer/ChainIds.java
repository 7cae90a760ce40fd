package io.jimg.transfer.oci.layer;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The chain ids of an image's layers (OCI image-spec config.md): {@code chain(1) = diffid(1)},
 * {@code chain(n) = sha256(chain(n-1) + " " + diffid(n))}. A chain id names a layer with all the layers below
 * it, so that two images share a layer store entry exactly where they share the whole stack up to it.
 */
public final class ChainIds {
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private ChainIds() {}

  /** The chain ids of the layers whose diff ids are given, bottom first, as the config lists them. */
  public static List<String> of(List<String> diffIds) throws JimgException {
    List<String> chain = new ArrayList<>(diffIds.size());
    for (String diffId : diffIds) {
      requireDigest(diffId);
      chain.add(chain.isEmpty() ? diffId : sha256(chain.get(chain.size() - 1) + " " + diffId));
    }
    return chain;
  }

  /** Refuses anything but {@code sha256:} and 64 lower-case hex digits. */
  static void requireDigest(String digest) throws JimgException {
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw new JimgException(Reason.FAILED, "not a sha256 digest: "
          + (digest == null ? "none" : digest.length() > 80 ? digest.substring(0, 80) + "…" : digest));
    }
  }

  private static String sha256(String text) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.US_ASCII)));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
