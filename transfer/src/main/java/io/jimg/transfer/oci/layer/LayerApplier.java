package io.jimg.transfer.oci.layer;

import io.jimg.btrfs.Fd;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.NewImage;
import io.jimg.images.TreeFiller;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.HashingInputStream;
import io.jimg.transfer.ImportOptions;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.tar.TarImport;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Applies OCI image layers onto a tree: the tar import in its overlay mode ({@link TarImport.Builder#overlay}),
 * with every rule of import-tar and OCI's whiteouts, reading a layer uncompressed, gzip or zstd (told apart by
 * their magic bytes, as OCI's three layer media types are) and hashing its uncompressed tar as it goes: that is
 * the layer's diff id, which the image's config lists in {@code rootfs.diff_ids}.
 *
 * <pre>
 * LayerApplier applier = LayerApplier.builder().sizeMax(limit).listener(listener).build();
 * Digest diffId = applier.apply(blob, "layer 1 of debian:12", root).diffId();
 * </pre>
 */
public final class LayerApplier {
  private final ImportOptions options;

  private LayerApplier(ImportOptions options) {
    this.options = options;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@link ImportOptions} a layer is applied within: each layer gets the whole size cap and limits. */
  public static final class Builder extends ImportOptions.Builder<Builder> {
    private Builder() {}

    public LayerApplier build() {
      return new LayerApplier(importOptions());
    }
  }

  /** What applying a layer did: its diff id, how it was compressed, its size unpacked. */
  public record Applied(Digest diffId, Compression compression, long entries, long tarBytes) {}

  /** A layer to apply: {@code name} for messages, the diff id the config gives it, and how to read its blob. */
  public record Blob(String name, Digest diffId, Opener opener) {}

  /** Opens a layer's blob (compressed as it was stored) from its start. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  /** Applies one layer onto the tree at {@code root}; closes {@code layer}. */
  public Applied apply(InputStream layer, String name, Fd root) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(layer, 256 * 1024);
    Compression compression;
    HashingInputStream tar;
    try {
      compression = Compression.detect(buffered);
      if (compression != Compression.NONE && compression != Compression.GZIP && compression != Compression.ZSTD) {
        throw new JimgException(Reason.FAILED, "cannot apply " + name + ": it is " + compression.formatName()
            + " data, and an OCI layer is an uncompressed, gzip or zstd tar archive");
      }
      // libcrypto's SHA-256 where it loads: the JDK's, under the C1 compiler jimg runs with, is several times slower.
      tar = new HashingInputStream(compression.decoder(buffered, options.decoderLimits()));
    } catch (IOException | RuntimeException e) {
      buffered.close();
      throw e;
    }
    String data = compression == Compression.NONE ? name : "the " + compression.formatName() + " data of " + name;
    TarImport.Summary summary;
    String diffId;
    try {
      summary = TarImport.builder().options(options).overlay(true).build().extractTar(tar, data, root);
      diffId = tar.sha256();
    } finally {
      tar.release(); // frees the digest where the import failed; sha256() freed it otherwise
    }
    if (diffId == null) {
      throw new IllegalStateException("the tar import ends a layer before its end: " + name);
    }
    return new Applied(Digest.parse(Digest.ALGORITHM + ":" + diffId), compression, summary.entries(),
        summary.tarBytes());
  }

  /** As {@link #apply(InputStream, String, Fd)}, into a new image (or layer) its store hands to a filler. */
  public Applied apply(InputStream layer, String name, NewImage root) throws IOException {
    return apply(layer, name, Descriptors.of(root));
  }

  /**
   * Applies {@code blob} onto {@code root} and fails (VERIFICATION, exit 5) where its uncompressed tar is not
   * the one its config names; the store then drops what it was filling.
   */
  public Applied apply(Blob blob, NewImage root) throws IOException {
    Applied applied = apply(blob.opener().open(), blob.name(), root);
    if (!applied.diffId().equals(blob.diffId())) {
      throw new JimgException(Reason.VERIFICATION, "cannot apply " + blob.name() + ": its uncompressed tar has the digest "
          + applied.diffId() + ", not " + blob.diffId() + " as the image's config says");
    }
    return applied;
  }

  /**
   * A filler that applies the layers in order into one new image: the way where the pool keeps no layers (off
   * btrfs), and each layer's diff id is checked as it is applied.
   */
  public TreeFiller stacking(List<Blob> layers) {
    List<Blob> copy = List.copyOf(layers);
    return root -> {
      for (Blob layer : copy) {
        apply(layer, root);
      }
    };
  }
}
