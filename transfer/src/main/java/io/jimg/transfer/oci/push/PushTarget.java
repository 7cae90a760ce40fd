package io.jimg.transfer.oci.push;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.Platform;
import java.util.Optional;

/**
 * Where a push puts its blobs and, last, its manifest: a registry's repository or an image layout's tag. Nothing is
 * touched before the first call, so that a push that fails before it changes nothing there.
 */
interface PushTarget extends AutoCloseable {
  /**
   * The manifest the tag names now for {@code platform}, where the target can say cheaply (so that an unchanged
   * image is found there without being compressed again); empty where there is none or the target cannot say.
   */
  Optional<ImageManifest> current(Platform platform) throws JimgException;

  /** Whether the target holds the blob already, so that it need not be sent. */
  boolean has(Descriptor blob) throws JimgException;

  /** Whether the target took the blob from a copy it has elsewhere (a registry's other repository). */
  boolean mount(Descriptor blob) throws JimgException;

  void put(Descriptor blob, BlobSource source) throws JimgException;

  /** Puts the manifest under the tag, after every blob it names; returns its digest. */
  Digest putManifest(String mediaType, byte[] manifest) throws JimgException;

  /** Where the image went, as the user wrote it (normalised). */
  String reference();

  @Override
  void close();
}
