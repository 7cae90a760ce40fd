package io.jimg.transfer.oci.push;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.Platform;
import io.jimg.transfer.oci.registry.RegistryClient;
import io.jimg.transfer.oci.registry.StreamedUpload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A repository of a registry, and the tag the manifest goes under. Blobs go first and the manifest last, so that a
 * push stopped anywhere leaves the registry with, at worst, blobs no manifest names yet, which a push again finds
 * there and skips.
 */
final class RegistryTarget implements PushTarget {
  private final RegistryClient client;
  private final String repository;
  private final String tag;
  /** Another repository of the same registry that has the image's blobs; null where none is known. */
  private final String mountFrom;

  RegistryTarget(RegistryClient client, String repository, String tag, String mountFrom) {
    this.client = client;
    this.repository = repository;
    this.tag = tag;
    this.mountFrom = mountFrom == null || mountFrom.equals(repository) ? null : mountFrom;
  }

  @Override
  public Optional<ImageManifest> current(Platform platform) throws JimgException {
    try {
      return Optional.of(client.resolve(repository, tag, platform).manifest());
    } catch (JimgException e) {
      if (e.reason() == JimgException.Reason.CANCELLED) {
        throw e;
      }
      // No manifest there, or one this client does not read (schema 1, say), which the push replaces: the push goes
      // on without the shortcut, and a registry that refuses it altogether says so at the upload.
      return Optional.empty();
    }
  }

  @Override
  public boolean has(Descriptor blob) throws JimgException {
    return client.hasBlob(repository, blob.digest());
  }

  @Override
  public boolean mount(Descriptor blob, List<String> places) throws JimgException {
    List<String> sources = new ArrayList<>();
    if (mountFrom != null) {
      sources.add(mountFrom);
    }
    String here = client.registry() + "/";
    for (String place : places) {
      String source = place.startsWith(here) ? place.substring(here.length()) : null;
      if (source != null && !source.equals(repository) && !sources.contains(source)) {
        sources.add(source);
      }
    }
    for (String source : sources) {
      try {
        if (client.mountBlob(repository, blob.digest(), source)) {
          return true;
        }
      } catch (JimgException e) {
        if (e.reason() == JimgException.Reason.CANCELLED || source.equals(mountFrom)) {
          throw e;
        }
        // A repository recorded earlier that is gone, or that these credentials may not read: the next one, or the
        // upload.
      }
    }
    return false;
  }

  @Override
  public Optional<String> place() {
    return Optional.of(client.registry() + "/" + repository);
  }

  @Override
  public void put(Descriptor blob, BlobSource source) throws JimgException {
    client.uploadBlob(repository, blob, source);
  }

  @Override
  public Optional<BlobStream> streamed() throws JimgException {
    if (mountFrom != null || hasTags()) {
      return Optional.empty();
    }
    return Optional.of(new BlobStream() {
      private StreamedUpload upload;

      @Override
      public void send(BlobSource growing, LongConsumer sent) throws JimgException {
        upload = client.streamBlob(repository, growing, sent);
      }

      @Override
      public void finish(Descriptor blob) throws JimgException {
        upload.finish(blob);
      }
    });
  }

  /** Whether the repository has a tag; true where the registry will not say, so that its blobs are asked for. */
  private boolean hasTags() throws JimgException {
    try {
      return client.hasTags(repository);
    } catch (JimgException e) {
      if (e.reason() == JimgException.Reason.CANCELLED) {
        throw e;
      }
      return true;
    }
  }

  @Override
  public Digest putManifest(String mediaType, byte[] manifest) throws JimgException {
    return client.putManifest(repository, tag, mediaType, manifest);
  }

  @Override
  public String reference() {
    return "docker://" + client.registry() + "/" + repository + ":" + tag;
  }

  @Override
  public void close() {
    // The client holds no resource of its own beyond the shared connection pool.
  }
}
