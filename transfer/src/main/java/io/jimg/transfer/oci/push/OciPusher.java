package io.jimg.transfer.oci.push;

import io.jimg.btrfs.Fd;
import io.jimg.images.Access;
import io.jimg.images.Cancellation;
import io.jimg.images.ExecSettings;
import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.ExportOptions;
import io.jimg.transfer.oci.DockerReference;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.RegistriesConf;
import io.jimg.transfer.oci.RegistryRoute;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.oci.registry.BlobSource;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageConfig;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.MediaTypes;
import io.jimg.transfer.oci.registry.RegistryClient;
import io.jimg.transfer.oci.registry.RegistryListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code jimg push}: a directory or subvolume image as an OCI image of one layer (its whole tree, exported with
 * export-tar's fidelity), a config that carries the image's {@code NAME.nspawn} back (Parameters= as Cmd,
 * Environment= as Env, User=, WorkingDirectory=) and its modification time, and an OCI manifest, put last. The
 * export is reproducible, so that a second push of an unchanged image finds every blob there and sends none; where
 * the tag names that image already, its tree is only hashed, not compressed again. A subvolume image's layer is
 * recorded in the pool ({@link PushRecords}): a push of the image unchanged since needs no pass over its tree at
 * all, finds its blobs where no tag names them yet, and mounts them from a repository of the same registry they
 * went to before. Into a repository with no tag yet, the layer is sent while it is exported ({@link
 * FollowingUpload}).
 *
 * <pre>
 * Pushed pushed = OciPusher.builder(store).listener(listener).build()
 *     .push("debian", ImageReference.parse("docker://registry.example:5000/debian:12"), PushOptions.defaults());
 * </pre>
 */
public final class OciPusher {
  private final ImageStore store;
  private final ExportOptions options;

  private OciPusher(ImageStore store, ExportOptions options) {
    this.store = store;
    this.options = options;
  }

  public static Builder builder(ImageStore store) {
    return new Builder(store);
  }

  /** The listener (export progress, then each blob's upload), the cancellation, the compressor's threads. */
  public static final class Builder extends ExportOptions.Builder<Builder> {
    private final ImageStore store;

    private Builder(ImageStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    public OciPusher build() {
      return new OciPusher(store, exportOptions());
    }
  }

  /**
   * Pushes image {@code name} to {@code target} ({@code docker://REGISTRY/REPOSITORY[:TAG]} or {@code oci:DIR[:TAG]};
   * the tag is {@code latest} where none is written). The cancellation is heeded between blocks of the export and
   * of each upload; nothing stays in the pool after a failure or a cancel, and the target gets its manifest only
   * once every blob is there.
   */
  public Pushed push(String name, ImageReference target, PushOptions push) throws IOException {
    options.cancellation().check();
    // The reference is checked before the export, and the target touched only once the image is known: a push of an
    // image that is not there, or is no tree, changes nothing anywhere.
    try (PushTarget destination = destination(target, push)) {
      Image image;
      ExecSettings exec;
      PushRecords records;
      ExportedLayer layer;
      try (ImageLease lease = store.lease(name, Access.READ)) {
        image = lease.image();
        if (image.type() != ImageType.DIRECTORY && image.type() != ImageType.SUBVOLUME) {
          throw new JimgException(Reason.USAGE, "image " + name + " is a " + image.type().name().toLowerCase(
              java.util.Locale.ROOT) + " image; push takes a directory or subvolume image (an OCI image is a tree)");
        }
        exec = settings(lease.path(), name);
        try (Fd root = Descriptors.open(lease)) {
          records = PushRecords.of(lease.path().getParent(), root, image.type(), push.format());
          Optional<PushRecords.Known> recorded = records.find();
          Optional<Pushed> sent = recorded.isPresent()
              ? sendKnown(destination, recorded.get(), config(push, exec, recorded.get().diffId(), image), records)
              : Optional.empty();
          if (sent.isEmpty()) {
            records.settle(root); // the tree is read from here on
            Optional<PushRecords.Known> tagged = recorded.isEmpty() ? tagged(destination, lease, exec, push)
                : Optional.empty();
            if (tagged.isPresent()) {
              sent = sendKnown(destination, tagged.get(), config(push, exec, tagged.get().diffId(), image), records);
            }
          }
          if (sent.isPresent()) {
            return sent.get();
          }
        }
        layer = ExportedLayer.export(store, lease, push.format(), options, destination.streamed().orElse(null));
        // Recorded before the upload, so that a push killed during it leaves what the next one needs to find the
        // blobs that got there; a push that fails or is cancelled takes it back.
        records.remember(layer.diffId(), layer.blob(), null);
      }
      try (layer) {
        Pushed pushed = send(destination, layer.blob(), layer, List.of(), config(push, exec, layer.diffId(), image))
            .orElseThrow();
        records.remember(layer.diffId(), layer.blob(), destination.place().orElse(null));
        return pushed;
      } catch (IOException | RuntimeException e) {
        records.undo();
        throw e;
      }
    }
  }

  /** The config: the platform, the layer's diff id, the settings carried back, the image's modification time. */
  private static byte[] config(PushOptions push, ExecSettings exec, Digest diffId, Image image) {
    return new ImageConfig(push.platform().os(), push.platform().architecture(), push.platform().variant(),
        List.of(diffId), null, command(exec).isEmpty() ? null : command(exec),
        exec.environment().isEmpty() ? null : exec.environment(), exec.user(), exec.workingDirectory())
        .toJson(image.modified());
  }

  /**
   * The layer the tag names already, where the tag names this very image (one layer of the format asked for, and
   * the config this image gives); empty otherwise. Finding out costs an uncompressed pass over the tree, only where the tag
   * names a manifest of one such layer.
   */
  private Optional<PushRecords.Known> tagged(PushTarget destination, ImageLease lease, ExecSettings exec,
      PushOptions push) throws IOException {
    Optional<ImageManifest> current = destination.current(push.platform());
    if (current.isEmpty() || current.get().layers().size() != 1
        || !current.get().layers().get(0).mediaType().equals(ExportedLayer.mediaType(push.format()))
        || !current.get().config().mediaType().equals(MediaTypes.OCI_CONFIG)) {
      return Optional.empty();
    }
    Digest diffId = ExportedLayer.diffId(lease, options);
    PushRecords.Known tagged = new PushRecords.Known(diffId, current.get().layers().get(0), List.of());
    // The config holds the diff id, the settings and the time: where it is the one there, so is the layer.
    byte[] configJson = config(push, exec, diffId, lease.image());
    return Descriptor.of(MediaTypes.OCI_CONFIG, configJson).digest().equals(current.get().config().digest())
        ? Optional.of(tagged) : Optional.empty();
  }

  /** The layer known to be this tree's, from the target or a repository it is mounted from; then the rest. */
  private Optional<Pushed> sendKnown(PushTarget destination, PushRecords.Known known, byte[] configJson,
      PushRecords records) throws JimgException {
    Optional<Pushed> sent = send(destination, known.blob(), null, known.places(), configJson);
    if (sent.isPresent()) {
      records.remember(known.diffId(), known.blob(), destination.place().orElse(null));
    }
    return sent;
  }

  /**
   * The layer, unless it went while it was exported or the target has it or mounts it (from {@code places} or the
   * repository the options name); then the config likewise; the manifest last. Empty, with nothing put, where the
   * layer is not there and {@code exported} is null (not exported yet): the caller exports it and sends again.
   */
  private Optional<Pushed> send(PushTarget destination, Descriptor layer, ExportedLayer exported, List<String> places,
      byte[] configJson) throws JimgException {
    Cancellation cancellation = options.cancellation();
    int uploaded = 0;
    cancellation.check();
    if (exported != null && exported.sentWhileExported()) {
      uploaded++;
    } else if (!there(destination, layer, places)) {
      if (exported == null) {
        return Optional.empty();
      }
      destination.put(layer, cancellable(exported.source(), cancellation));
      uploaded++;
    }
    Descriptor configBlob = Descriptor.of(MediaTypes.OCI_CONFIG, configJson);
    cancellation.check();
    if (!there(destination, configBlob, places)) {
      destination.put(configBlob, cancellable(BlobSource.of(configJson), cancellation));
      uploaded++;
    }
    cancellation.check();
    ImageManifest manifest = new ImageManifest(MediaTypes.OCI_MANIFEST, configBlob, List.of(layer));
    Digest digest = destination.putManifest(MediaTypes.OCI_MANIFEST, manifest.toJson());
    return Optional.of(new Pushed(digest, destination.reference(), List.of(layer.digest()), uploaded, 2 - uploaded));
  }

  private static boolean there(PushTarget destination, Descriptor blob, List<String> places) throws JimgException {
    return destination.has(blob) || destination.mount(blob, places);
  }

  /** The target, checked; it touches nothing until it is first used. */
  private PushTarget destination(ImageReference target, PushOptions push) throws JimgException {
    return switch (target.transport()) {
      case DOCKER -> registry(target.docker().orElseThrow(), push);
      case OCI -> new LayoutTarget(target.path().orElseThrow(), target.layoutTag().orElse("latest"));
      case OCI_ARCHIVE -> throw new JimgException(Reason.USAGE,
          "push writes docker://REGISTRY/REPOSITORY[:TAG] or oci:DIR[:TAG], not an oci-archive:");
    };
  }

  private PushTarget registry(DockerReference reference, PushOptions push) throws JimgException {
    if (reference.isShortName()) {
      throw new JimgException(Reason.USAGE, "push needs the registry in the reference: docker://REGISTRY/"
          + reference.repository() + ", not a short name that a pull would resolve");
    }
    if (reference.digest().isPresent()) {
      throw new JimgException(Reason.USAGE, "push puts the image under a tag, not a digest: write "
          + "docker://" + reference.name() + ":TAG");
    }
    RegistryRoute.Endpoint endpoint = RegistryRoute.of(RegistriesConf.load(), reference).primary();
    Credentials credentials = push.credentials();
    if (credentials == null && push.authFiles() != null) {
      credentials = push.authFiles().find(reference).map(found -> found.credentials()).orElse(null);
    }
    Credentials given = credentials;
    RegistryClient client = RegistryClient.builder(endpoint.host())
        .insecure(!push.tlsVerify() || endpoint.insecure())
        .httpOptions(HttpOptions.defaults().withEnvironment(push.environment()).withCaFile(push.caFile()))
        .credentials(() -> given).cancellation(options.cancellation()).listener(uploads(options.listener()))
        .build();
    return new RegistryTarget(client, endpoint.repository(), reference.tag().orElse("latest"), push.mountFrom());
  }

  /** Each blob's upload as a progress of its own, named by the blob's short digest. */
  private static RegistryListener uploads(StoreListener listener) {
    return new RegistryListener() {
      @Override
      public void progress(Digest blob, long done, long total) {
        listener.progress(new Progress("upload " + blob.shortForm(), done, total, 0));
      }
    };
  }

  /** The command the config gets: the parameters, unless the image boots an init (Boot=yes). */
  private static List<String> command(ExecSettings exec) {
    return Boolean.TRUE.equals(exec.boot()) ? List.of() : exec.parameters();
  }

  /** The image's {@code NAME.nspawn} beside it, read as a regular file only and bounded; none where there is none. */
  private static ExecSettings settings(Path image, String name) throws JimgException {
    Path file = image.resolveSibling(name + ".nspawn");
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return ExecSettings.NONE;
    }
    return ExecSettings.parse(ExecSettings.readFile(file), file.toString());
  }

  /** The source's streams, each read checking the cancellation: a local copy has no other place to heed it. */
  private static BlobSource cancellable(BlobSource source, Cancellation cancellation) {
    return offset -> new FilterInputStream(source.openAt(offset)) {
      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        cancellation.check();
        return super.read(buffer, offset, length);
      }
    };
  }
}
