package io.jimg.transfer.oci.pull;

import io.jimg.btrfs.DescriptorInputStream;
import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Scratch;
import io.jimg.transfer.oci.OciLayout;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.ImageIndex;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.Limits;
import io.jimg.transfer.oci.registry.MediaTypes;
import io.jimg.transfer.oci.registry.Platform;
import io.jimg.transfer.oci.registry.VerifiedCopy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An image in a local OCI layout ({@code oci:DIR[:TAG]}, or an unpacked {@code oci-archive:}): the tag's entry,
 * through an index to the platform's manifest as a registry's is resolved, and every blob, the manifests and the
 * config included, checked against the size and digest that named it, as a registry's blobs are.
 */
final class LayoutSource implements ImageSource {
  private static final String SENDER = "the layout";

  private final OciLayout layout;
  private final String tag;
  private final Platform platform;
  private final String shown;
  private final Cancellation cancellation;
  private final Scratch unpacked;

  /** Reads {@code layout}, which it closes, then {@code unpacked} (null: none) where the layout lies. */
  LayoutSource(OciLayout layout, String tag, Platform platform, String shown, Cancellation cancellation,
      Scratch unpacked) {
    this.layout = layout;
    this.tag = tag;
    this.platform = platform;
    this.shown = shown;
    this.cancellation = cancellation;
    this.unpacked = unpacked;
  }

  @Override
  public Manifest manifest() throws JimgException {
    Descriptor current = layout.find(tag);
    byte[] bytes = document(current);
    for (int depth = 1; MediaTypes.isIndex(current.mediaType()); depth++) {
      if (depth > Limits.MAX_INDEX_DEPTH) {
        throw new JimgException(Reason.FAILED, shown + ": its indexes nest deeper than " + Limits.MAX_INDEX_DEPTH
            + " levels");
      }
      Descriptor entry = ImageIndex.parse(bytes, "the index of " + shown).select(platform);
      if (entry == null) {
        throw new JimgException(Reason.NOT_FOUND, shown + " has no image for " + platform);
      }
      current = entry;
      bytes = document(current);
    }
    if (!MediaTypes.isManifest(current.mediaType())) {
      throw new JimgException(Reason.FAILED, shown + " is a " + current.mediaType() + ", not an image jimg reads");
    }
    ImageManifest manifest = ImageManifest.parse(bytes, current.mediaType(), "the manifest of " + shown);
    return new Manifest(current.digest(), manifest, document(manifest.config()));
  }

  /** A manifest, an index or a config: small, and read whole only after its size is checked. */
  private byte[] document(Descriptor descriptor) throws JimgException {
    if (descriptor.size() > Limits.MAX_DOCUMENT) {
      throw new JimgException(Reason.FAILED, shown + ": " + descriptor.digest() + " is larger than "
          + (Limits.MAX_DOCUMENT >> 20) + " MiB");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) descriptor.size());
    copyBlob(descriptor, bytes, done -> {});
    return bytes.toByteArray();
  }

  @Override
  public void copyBlob(Descriptor blob, OutputStream sink, Progress progress) throws JimgException {
    String name = "blob " + blob.digest() + " of " + shown;
    try (DescriptorInputStream in = new DescriptorInputStream(layout.openBlob(blob.digest()))) {
      VerifiedCopy.copy(in, blob, sink, name, SENDER, done -> {
        progress.copied(done);
        cancellation.check();
      });
    } catch (JimgException e) {
      throw e;
    } catch (IOException e) {
      throw new JimgException(Reason.FAILED, "cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return shown;
  }

  @Override
  public void close() {
    try {
      layout.close();
    } finally {
      if (unpacked != null) {
        unpacked.close();
      }
    }
  }
}
