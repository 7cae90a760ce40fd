package io.jimg.transfer.oci.push;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;

/** Where a push puts its blobs and, last, its manifest: a registry's repository or an image layout's tag. */
interface PushTarget extends AutoCloseable {
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
