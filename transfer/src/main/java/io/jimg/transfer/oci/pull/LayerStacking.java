package io.jimg.transfer.oci.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.LayerStore;
import io.jimg.images.NewImage;
import io.jimg.images.Origin;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.oci.layer.LayerApplier;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The layers of one image made into the image. On btrfs: the pool's layers are looked up from the top down, the
 * highest one the pool has is reused with all below it, and each layer above it is downloaded, applied onto a
 * snapshot of its parent and kept under its chain id; the image is a writable snapshot of the top layer. Off
 * btrfs: every layer is downloaded and applied in order into one new image. Either way the downloads run one
 * layer ahead of the application ({@link LayerDownloads}).
 */
final class LayerStacking {
  private static final String OPERATION = "pull-oci";

  private final ImageStore store;
  private final ImageSource source;
  private final OciPullOptions options;
  private final StoreListener listener;
  private final Cancellation stop;
  private final LayerApplier applier;
  private final AtomicLong downloaded = new AtomicLong();

  LayerStacking(ImageStore store, ImageSource source, OciPullOptions options, StoreListener listener,
      Cancellation stop) {
    this.store = store;
    this.source = source;
    this.options = options;
    this.listener = listener;
    this.stop = stop;
    LayerApplier.Builder builder = LayerApplier.builder().cancellation(stop);
    if (options.sizeMax() >= 0) {
      builder.sizeMax(options.sizeMax());
    }
    this.applier = builder.build();
  }

  /** How many layers the pool had already, and the bytes downloaded for the others. */
  record Stacked(int reused, long bytesDownloaded) {}

  /**
   * Makes image {@code name} from {@code layers}, whose diff ids and chain ids the config gave, recording
   * {@code origin} beside it.
   */
  Stacked stack(String name, List<Descriptor> layers, List<Digest> diffIds, List<String> chain, Origin origin)
      throws IOException {
    CreateOptions create = new CreateOptions(options.force(), options.readOnly()).withOrigin(origin);
    LayerStore layerStore = store.layers();
    if (!layerStore.supported()) {
      store.createTree(name, create, root -> applyAll(layers, downloads -> {
        for (int i = 0; i < layers.size(); i++) {
          apply(downloads, layers.get(i), diffIds.get(i), i, layers.size(), root);
        }
      }));
      return new Stacked(0, downloaded.get());
    }
    int reused = reusable(layerStore, chain);
    for (int i = 0; i < reused; i++) {
      listener.event(new StoreEvent(StoreEvent.Kind.CREATED, name, "layer " + (i + 1) + " of " + layers.size()
          + " (" + layers.get(i).digest().shortForm() + ") is in the pool already"));
    }
    List<String> made = new ArrayList<>();
    try {
      if (reused < layers.size()) {
        applyAll(layers.subList(reused, layers.size()), downloads -> {
          for (int i = reused; i < layers.size(); i++) {
            int index = i;
            Optional<String> parent = i == 0 ? Optional.empty() : Optional.of(chain.get(i - 1));
            AtomicBoolean filled = new AtomicBoolean();
            layerStore.create(chain.get(i), parent, root -> {
              filled.set(true);
              return apply(downloads, layers.get(index), diffIds.get(index), index, layers.size(), root).tarBytes();
            }, stop);
            if (filled.get()) {
              made.add(chain.get(i));
            } else {
              downloads.next().close(); // another pull made this layer meanwhile: its blob is not needed
            }
          }
        });
      }
      layerStore.createImage(name, chain.get(chain.size() - 1), create);
    } catch (IOException | RuntimeException e) {
      removeQuietly(layerStore, made);
      throw e;
    }
    return new Stacked(reused, downloaded.get());
  }

  /**
   * Removes the layers this pull made, top first, where it failed: a failed pull leaves the pool as it found it.
   * One that another operation holds meanwhile stays, as it is that one's now.
   */
  private static void removeQuietly(LayerStore layerStore, List<String> made) {
    for (int i = made.size() - 1; i >= 0; i--) {
      try {
        layerStore.remove(made.get(i));
      } catch (IOException | RuntimeException e) {
        // Kept: busy with another pull, or not removable now; 'jimg clean' removes it once no image needs it.
      }
    }
  }

  /** The number of bottom layers the pool has: all below the highest one it has are in that one. */
  private static int reusable(LayerStore layerStore, List<String> chain) throws IOException {
    for (int i = chain.size() - 1; i >= 0; i--) {
      if (layerStore.find(chain.get(i)).isPresent()) {
        return i + 1;
      }
    }
    return 0;
  }

  /** What is done with the layers as they arrive. */
  @FunctionalInterface
  private interface Application {
    void run(LayerDownloads downloads) throws IOException;
  }

  /**
   * Downloads {@code blobs} one ahead of {@code application} through a spool of the pool. Where the application
   * fails, the download running ahead is cancelled before it is awaited, and the spool goes with it.
   */
  private void applyAll(List<Descriptor> blobs, Application application) throws IOException {
    try (LayerSpool spool = LayerSpool.create(store); LayerDownloads downloads = downloads(spool, blobs)) {
      try {
        application.run(downloads);
      } catch (IOException | RuntimeException e) {
        stop.cancel();
        throw e;
      }
    }
  }

  private LayerDownloads downloads(LayerSpool spool, List<Descriptor> blobs) {
    return new LayerDownloads(blobs, blob -> {
      String operation = OPERATION + " " + blob.digest().shortForm();
      LayerSpool.Spooled spooled = spool.download(source, blob,
          done -> listener.progress(new Progress(operation, done, blob.size(), 0)));
      downloaded.addAndGet(blob.size());
      return spooled;
    });
  }

  /** Takes the next downloaded layer and applies it onto {@code root}, checking its diff id; frees its spool. */
  private LayerApplier.Applied apply(LayerDownloads downloads, Descriptor layer, Digest diffId, int index, int count,
      NewImage root) throws IOException {
    try (LayerSpool.Spooled spooled = downloads.next()) {
      String name = "layer " + (index + 1) + " of " + count + " (" + layer.digest().shortForm() + ") of "
          + source.describe();
      listener.progress(new Progress(OPERATION + " " + layer.digest().shortForm(), layer.size(), layer.size(), 0,
          "applying"));
      return applier.apply(new LayerApplier.Blob(name, diffId, spooled::open), root);
    }
  }
}
