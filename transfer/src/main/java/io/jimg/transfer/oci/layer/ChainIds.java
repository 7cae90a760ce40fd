package io.jimg.transfer.oci.layer;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain ids of an image's layers (OCI image-spec config.md): {@code chain(1) = diffid(1)},
 * {@code chain(n) = sha256(chain(n-1) + " " + diffid(n))}. A chain id names a layer with all the layers below
 * it, so that two images share a layer store entry exactly where they share the whole stack up to it.
 */
public final class ChainIds {
  private ChainIds() {}

  /** The chain ids of the layers whose diff ids are given, bottom first, as the config lists them. */
  public static List<String> of(List<String> diffIds) throws JimgException {
    List<String> chain = new ArrayList<>(diffIds.size());
    for (String diffId : diffIds) {
      Digest.parse(diffId); // sha256: and 64 lower-case hex digits, nothing else
      chain.add(chain.isEmpty() ? diffId : sha256(chain.get(chain.size() - 1) + " " + diffId));
    }
    return chain;
  }

  private static String sha256(String text) {
    return Digest.of(text.getBytes(StandardCharsets.US_ASCII)).toString();
  }
}
