package io.jimg.transfer.oci.push;

import io.jimg.transfer.oci.registry.Digest;
import java.util.List;

/**
 * What a push did: the manifest's digest, where it went, the layers' digests, and how many blobs (layers and
 * config) it sent and how many the target had already (or took from another repository).
 */
public record Pushed(Digest digest, String reference, List<Digest> layers, int uploaded, int skipped) {
  public Pushed {
    layers = List.copyOf(layers);
  }
}
