package io.jimg.transfer.oci.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Origin;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.layer.ChainIds;
import io.jimg.transfer.oci.layer.NspawnSettings;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageConfig;
import io.jimg.transfer.pull.UrlLock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code jimg pull docker://…}, {@code oci:…} and {@code oci-archive:…}: resolves the reference to the manifest
 * for the platform ({@link ImageSources}), checks the config against it ({@link ImageCheck}), and stacks the layers
 * ({@link LayerStacking}): on btrfs each layer is a snapshot named by its chain id, reused where the pool has it,
 * and the image a writable snapshot of the top one; elsewhere the layers are applied into one new image. Every blob
 * is verified before it is applied and every layer's diff id as it is applied; the config becomes
 * {@code NAME.nspawn}. Pulls of one manifest wait for one another across processes ({@link UrlLock}), so that the
 * second reuses the first one's layers. A failure or a cancel leaves nothing: no layer, no image, no spool.
 */
public final class OciPuller {
  private final ImageStore store;
  private final OciEnvironment environment;
  private final Path lockDirectory;
  private final StoreListener listener;

  /** {@code lockDirectory} holds the per-pull lock files (/run/jimg/locks, shared with the URL pulls). */
  public OciPuller(ImageStore store, OciEnvironment environment, Path lockDirectory, StoreListener listener) {
    this.store = store;
    this.environment = environment;
    this.lockDirectory = lockDirectory;
    this.listener = listener;
  }

  /**
   * What a pull made: the image, the manifest's digest, the layers it has, how many of them the pool had already,
   * and the compressed bytes it downloaded.
   */
  public record Pulled(String name, Digest manifest, int layers, int reused, long bytesDownloaded) {}

  /**
   * Pulls {@code reference} into the image {@code requestedName} (null: the repository's last component, or the
   * layout's name). A cancel is heeded between blocks of every download and entries of every layer; the pull then
   * ends with CANCELLED once its download thread has ended, with nothing left.
   */
  public Pulled pull(ImageReference reference, String requestedName, OciPullOptions options,
      Cancellation cancellation) throws IOException {
    cancellation.check();
    String name = requestedName != null ? requestedName : reference.defaultImageName();
    ImageStore.checkNewName(name);
    if (!options.force() && store.exists(name)) {
      throw new JimgException(Reason.EXISTS, "image " + name + " already exists (use --force)");
    }
    // The downloads stop on a cancel and also when the pull fails while one runs ahead of the layer applied.
    Cancellation stop = Cancellation.of("pull-oci of '" + name + "'");
    try (Cancellation.Registration linked = cancellation.onCancel(stop::cancel);
        ImageSource source = ImageSources.open(reference, options, environment, store, stop)) {
      ImageSource.Manifest manifest = source.manifest();
      ImageConfig config = ImageConfig.parse(manifest.config(), "the config of " + source.describe());
      ImageCheck.check(manifest.manifest(), config, options.platform(), source.describe());
      byte[] settings = NspawnSettings.bytes(config.entrypoint(), config.cmd(), config.env(), config.user(),
          config.workingDir());
      List<String> chain = ChainIds.of(config.diffIds().stream().map(Digest::toString).toList());
      try (UrlLock lock = UrlLock.acquire(lockDirectory, "oci " + manifest.digest(), listener, stop)) {
        try {
          LayerStacking.Stacked stacked = new LayerStacking(store, source, options, listener, stop)
              .stack(name, manifest.manifest().layers(), config.diffIds(), chain, origin(source, manifest));
          store.writeSettings(name, settings);
          listener.event(new StoreEvent(StoreEvent.Kind.CREATED, name, "pulled " + source.describe() + " ("
              + manifest.digest() + ", " + chain.size() + " layers, " + stacked.reused() + " of them already in"
              + " the pool)"));
          if (store.layers().supported()) {
            store.layers().trim(options.cacheMax()); // the layers are a cache, bounded as the pull cache is
          }
          return new Pulled(name, manifest.digest(), chain.size(), stacked.reused(), stacked.bytesDownloaded());
        } catch (JimgException e) {
          if (e.reason() == Reason.CANCELLED) {
            lock.removeIfMade();
          }
          throw e;
        }
      }
    } catch (JimgException e) {
      // A cancel of the pull reads as the pull's, whichever part of it noticed first.
      cancellation.check();
      throw e;
    }
  }

  /**
   * What the image records of the pull: the resolved reference, the manifest's digest, and that every blob was
   * checked against the digest the manifest gives it.
   */
  private static Origin origin(ImageSource source, ImageSource.Manifest manifest) {
    return Origin.of("pull-oci", source.describe()).withSha256(manifest.digest().hex()).withVerification("digest",
        List.of());
  }
}
