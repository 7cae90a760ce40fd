package io.jimg.transfer.oci.push;

import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.Reopen;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.Scratch;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.ExportOptions;
import io.jimg.transfer.HashingOutputStream;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.http.Sha256;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.MediaTypes;
import io.jimg.transfer.tar.TarExport;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An image's whole tree as one OCI layer, exported once into a hidden file of the pool (a store scratch name, never
 * /tmp: a root may be larger than any tmpfs) while the two digests a push needs are computed on the threads that
 * already hold the bytes: the diff id (the uncompressed tar, hashed as it goes to the compressor) and the blob's
 * (the compressed bytes, hashed as they go to the file). Where the target takes a blob before its digest is known,
 * a {@link FollowingUpload} sends the file while it grows. Closing stops that upload and removes the file; after a
 * SIGKILL the next command that touches the pool sweeps it.
 */
final class ExportedLayer implements AutoCloseable {
  /** The progress of {@link #diffId}'s pass. */
  static final String DIFF_ID = "diff-id";
  private final Scratch scratch;
  private final Fd file;
  private final Descriptor blob;
  private final Digest diffId;
  /** The upload that followed the export; null where none did. */
  private final FollowingUpload following;

  private ExportedLayer(Scratch scratch, Fd file, Descriptor blob, Digest diffId, FollowingUpload following) {
    this.scratch = scratch;
    this.file = file;
    this.blob = blob;
    this.diffId = diffId;
    this.following = following;
  }

  /**
   * Exports the leased image's tree, compressed as {@code compression} (gzip or zstd), and sends it to
   * {@code stream} as it is written where that is not null.
   */
  static ExportedLayer export(ImageStore store, ImageLease lease, Compression compression, ExportOptions options,
      PushTarget.BlobStream stream) throws IOException {
    Scratch scratch = store.scratch();
    Fd file = null;
    FollowingUpload following = null;
    try {
      file = Descriptors.pool(scratch).open(scratch.name(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600);
      try (Sha256 archive = Sha256.create(); Sha256 layer = Sha256.create()) {
        OutputStream spool = new DescriptorOutputStream(reopened(file, Linux.O_WRONLY));
        GrowingSpool growing = null;
        if (stream != null) {
          growing = new GrowingSpool(file);
          spool = growing.output(spool);
          following = new FollowingUpload(stream, options.listener());
          following.follow(growing);
        }
        HashingOutputStream compressed = new HashingOutputStream(spool, layer);
        try (Fd root = Descriptors.open(lease)) {
          TarExport.builder().compression(compression).fastCompression(true).options(options)
              .estimatedBytes(lease.image().usage().bytes()).archiveDigest(archive).build().write(root, compressed);
        }
        if (growing != null) {
          growing.finish(compressed.count());
        }
        Descriptor blob = new Descriptor(mediaType(compression), Digest.of(layer), compressed.count());
        return new ExportedLayer(scratch, file, blob, Digest.of(archive), following);
      }
    } catch (IOException | RuntimeException e) {
      if (following != null) {
        following.close(); // before the descriptor it reads is closed
      }
      if (file != null) {
        file.close();
      }
      scratch.close();
      throw e;
    }
  }

  /**
   * The diff id alone: the tree as an uncompressed tar, hashed and written nowhere, with its progress reported as
   * {@link #DIFF_ID} (a pass that finds whether an image is unchanged costs no compression and no spool).
   */
  static Digest diffId(ImageLease lease, ExportOptions options) throws IOException {
    StoreListener listener = options.listener();
    StoreListener renamed = new StoreListener() {
      @Override
      public void event(StoreEvent event) {
        listener.event(event);
      }

      @Override
      public void progress(Progress progress) {
        listener.progress(new Progress(DIFF_ID, progress.bytesDone(), progress.bytesTotal(), progress.entriesDone(),
            progress.phase()));
      }
    };
    try (Fd root = Descriptors.open(lease); Sha256 archive = Sha256.create()) {
      TarExport.builder().options(options).listener(renamed).estimatedBytes(lease.image().usage().bytes())
          .archiveDigest(archive).build().write(root, OutputStream.nullOutputStream());
      return Digest.of(archive);
    }
  }

  static String mediaType(Compression compression) {
    return switch (compression) {
      case GZIP -> MediaTypes.OCI_LAYER_GZIP;
      case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
      default -> throw new IllegalArgumentException("an OCI layer is gzip or zstd here, not " + compression);
    };
  }

  /** The compressed layer as the manifest lists it. */
  Descriptor blob() {
    return blob;
  }

  /** The sha256 of the uncompressed tar, as the config's {@code rootfs.diff_ids} lists it. */
  Digest diffId() {
    return diffId;
  }

  /**
   * Whether the upload that followed the export delivered the blob (waiting for its end); false where none followed
   * or it failed, and the spool is then to be uploaded as a whole. CANCELLED where the push was cancelled.
   */
  boolean sentWhileExported() throws JimgException {
    return following != null && following.finish(blob);
  }

  /** The spooled bytes from any offset, read through the spool's descriptor (a resumed upload opens nothing). */
  BlobSource source() {
    return BlobSource.of(file);
  }

  @Override
  public void close() {
    if (following != null) {
      following.close(); // before the descriptor it reads is closed
    }
    file.close();
    scratch.close();
  }

  /** A second descriptor of the same file: the stream closes its own, the spool keeps reading through the first. */
  private static Fd reopened(Fd file, int flags) throws IOException {
    return Reopen.as(file, Linux.S_IFREG, flags);
  }
}
