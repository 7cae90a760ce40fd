package io.jimg.transfer.oci.pull;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageManifest;
import java.io.OutputStream;

/**
 * Where a pull reads an image from: a registry or a local image layout. Either gives the manifest for a platform
 * and blobs checked against their descriptors' sizes and digests before the caller uses a byte of them.
 */
interface ImageSource extends AutoCloseable {
  /** The manifest for the pull's platform, its digest, and the config's verified bytes. */
  record Manifest(Digest digest, ImageManifest manifest, byte[] config) {}

  Manifest manifest() throws JimgException;

  /**
   * Streams the blob into {@code sink}, VERIFICATION where its size or digest differ (the sink's bytes are then
   * to be thrown away); {@code progress} hears the bytes copied so far.
   */
  void copyBlob(Descriptor blob, OutputStream sink, Progress progress) throws JimgException;

  /** The reference as a message names it: {@code docker://127.0.0.1:5000/deb:app}. */
  String describe();

  @Override
  void close();

  /** Bytes of a blob copied so far. */
  @FunctionalInterface
  interface Progress {
    void copied(long done);
  }
}
