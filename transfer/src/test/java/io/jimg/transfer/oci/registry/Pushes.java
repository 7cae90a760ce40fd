package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** What a push and a pull of a {@link TestImage} do with a client, in the order jimg's verbs will. */
final class Pushes {
  private Pushes() {}

  /** Pushes the image's blobs (those the registry lacks), then its manifest; returns the blobs uploaded. */
  static List<Digest> push(RegistryClient client, String repository, String tag, TestImage image)
      throws JimgException {
    List<Digest> uploaded = new ArrayList<>();
    List<Descriptor> blobs = new ArrayList<>(image.manifest().layers());
    blobs.add(image.manifest().config());
    for (int i = 0; i < blobs.size(); i++) {
      Descriptor blob = blobs.get(i);
      if (!client.hasBlob(repository, blob.digest())) {
        byte[] bytes = i < image.layers().size() ? image.layers().get(i) : image.config();
        client.uploadBlob(repository, blob, BlobSource.of(bytes));
        uploaded.add(blob.digest());
      }
    }
    client.putManifest(repository, tag, image.manifest().mediaType(), image.manifestBytes());
    return uploaded;
  }

  static byte[] fetch(RegistryClient client, String repository, Descriptor blob) throws JimgException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    client.fetchBlob(repository, blob, sink);
    return sink.toByteArray();
  }
}
