package io.jimg.transfer.oci.push;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.OciLayoutWriter;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An OCI image layout directory ({@code oci:DIR:TAG}): blobs written whole under their names, then the tag. The
 * directory is made or opened at the first call.
 */
final class LayoutTarget implements PushTarget {
  private final Path directory;
  private final String tag;
  private OciLayoutWriter writer;

  LayoutTarget(Path directory, String tag) {
    this.directory = directory;
    this.tag = tag;
  }

  private OciLayoutWriter writer() throws JimgException {
    if (writer == null) {
      writer = OciLayoutWriter.create(directory);
    }
    return writer;
  }

  /** None: a layout is local, and its layer is exported as any other time. */
  @Override
  public Optional<ImageManifest> current(Platform platform) {
    return Optional.empty();
  }

  @Override
  public boolean has(Descriptor blob) throws JimgException {
    return writer().hasBlob(blob.digest());
  }

  @Override
  public boolean mount(Descriptor blob, List<String> places) {
    return false;
  }

  @Override
  public Optional<String> place() {
    return Optional.empty();
  }


  @Override
  public void put(Descriptor blob, BlobSource source) throws JimgException {
    try (InputStream in = source.openAt(0)) {
      writer().writeBlob(blob.digest(), blob.size(), in);
    } catch (IOException e) {
      throw e instanceof JimgException j ? j
          : new JimgException(JimgException.Reason.FAILED, "cannot read the layer to write it: " + e.getMessage(), e);
    }
  }

  @Override
  public Digest putManifest(String mediaType, byte[] manifest) throws JimgException {
    Descriptor descriptor = Descriptor.of(mediaType, manifest);
    writer().writeBlob(descriptor.digest(), descriptor.size(), new java.io.ByteArrayInputStream(manifest));
    writer.tag(tag, descriptor);
    return descriptor.digest();
  }

  @Override
  public String reference() {
    return "oci:" + directory + ":" + tag;
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.close();
    }
  }
}
