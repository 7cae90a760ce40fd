package io.jimg.transfer.oci.registry;

import java.util.Set;

/** The media types of OCI images and of Docker's schema 2, the ones jimg reads, and schema 1, which it refuses. */
public final class MediaTypes {
  private MediaTypes() {}

  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** What a manifest request accepts: every index and manifest type jimg reads, nothing else. */
  public static final String MANIFEST_ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST,
      DOCKER_MANIFEST);

  private static final Set<String> LAYERS = Set.of(OCI_LAYER, OCI_LAYER_GZIP, OCI_LAYER_ZSTD, DOCKER_LAYER_GZIP);

  public static boolean isIndex(String type) {
    return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type);
  }

  public static boolean isManifest(String type) {
    return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
  }

  public static boolean isConfig(String type) {
    return OCI_CONFIG.equals(type) || DOCKER_CONFIG.equals(type);
  }

  public static boolean isLayer(String type) {
    return LAYERS.contains(type);
  }

  /** Docker's foreign layers and OCI's non-distributable ones: blobs the registry does not serve. */
  public static boolean isForeign(String type) {
    return type.startsWith("application/vnd.docker.image.rootfs.foreign.")
        || type.startsWith("application/vnd.oci.image.layer.nondistributable.");
  }

  public static boolean isSchema1(String type) {
    return DOCKER_SCHEMA1.equals(type) || DOCKER_SCHEMA1_SIGNED.equals(type);
  }
}
