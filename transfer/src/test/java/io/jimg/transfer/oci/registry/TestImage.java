package io.jimg.transfer.oci.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small image made in a test: a config and gzip layers of random bytes (real gzip: peers sniff a layer's
 * compression, and would compress again one that is none), and its OCI manifest.
 */
record TestImage(byte[] config, List<byte[]> layers, ImageManifest manifest, byte[] manifestBytes) {

  static TestImage of(long seed, int... layerSizes) {
    Random random = new Random(seed);
    List<byte[]> layers = new ArrayList<>();
    List<Descriptor> descriptors = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (int size : layerSizes) {
      byte[] content = new byte[size];
      random.nextBytes(content);
      byte[] layer = gzip(content);
      layers.add(layer);
      descriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer));
      diffIds.add("\"" + Digest.of(content) + "\"");
    }
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"],\"Env\":"
        + "[\"A=" + seed + "\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}")
        .getBytes(StandardCharsets.UTF_8);
    ImageManifest manifest = new ImageManifest(MediaTypes.OCI_MANIFEST,
        Descriptor.of(MediaTypes.OCI_CONFIG, config), descriptors);
    return new TestImage(config, List.copyOf(layers), manifest, manifest.toJson());
  }

  private static byte[] gzip(byte[] content) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
      gzip.write(content);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  Digest manifestDigest() {
    return Digest.of(manifestBytes);
  }

  Descriptor manifestDescriptor(Platform platform) {
    return new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest(), manifestBytes.length, platform,
        java.util.Map.of());
  }
}
