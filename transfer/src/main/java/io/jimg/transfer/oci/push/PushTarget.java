package io.jimg.transfer.oci.push;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.Platform;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

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

  /**
   * Whether the target took the blob from a copy it has elsewhere: a repository of the same registry among
   * {@code places} (REGISTRY/REPOSITORY, where earlier pushes sent it) or the one the options name.
   */
  boolean mount(Descriptor blob, List<String> places) throws JimgException;

  /** Where the blobs went, as a place a later push may mount them from (REGISTRY/REPOSITORY); empty for none. */
  Optional<String> place();

  void put(Descriptor blob, BlobSource source) throws JimgException;

  /**
   * A way to send a blob while it is still being written, where the target loses nothing by not knowing its digest
   * first (a registry's repository with no tag and no mount source: it has no blob a HEAD could find); empty where
   * the blob is better asked for, then put, as {@link #has} and {@link #put} do.
   */
  default Optional<BlobStream> streamed() throws JimgException {
    return Optional.empty();
  }

  /** A blob sent while it is written, completed once its digest is known. */
  interface BlobStream {
    /** Sends {@code growing} from its start to its end, telling {@code sent} how far it has gone. */
    void send(BlobSource growing, LongConsumer sent) throws JimgException;

    /** Completes the upload as {@code blob}, whose digest and size the target checks against what it received. */
    void finish(Descriptor blob) throws JimgException;
  }

  /** Puts the manifest under the tag, after every blob it names; returns its digest. */
  Digest putManifest(String mediaType, byte[] manifest) throws JimgException;

  /** Where the image went, as the user wrote it (normalised). */
  String reference();

  @Override
  void close();
}
