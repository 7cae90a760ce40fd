package io.jimg.transfer.oci.pull;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.pull.BackgroundFetches;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The layers a pull applies, downloaded one ahead of their application: while layer n is applied, layer n+1
 * downloads into the spool, and the download of n+2 starts only when the caller takes n+1, by which time it has
 * closed layer n. So at most two layers are in the spool, and the network and the disk work at once.
 */
final class LayerDownloads implements AutoCloseable {
  /** Downloads one blob, verified, into the spool. */
  @FunctionalInterface
  interface Download {
    LayerSpool.Spooled fetch(Descriptor blob) throws IOException;
  }

  private final Download download;
  private final Deque<Descriptor> waiting;
  private final BackgroundFetches fetches =
      new BackgroundFetches(task -> DaemonThreads.named("jimg-oci-download").newThread(task).start());
  private CompletableFuture<LayerSpool.Spooled> ahead;

  /** Starts the download of the first of {@code blobs}, bottom first. */
  LayerDownloads(List<Descriptor> blobs, Download download) {
    this.download = download;
    this.waiting = new ArrayDeque<>(blobs);
    startNext();
  }

  /** The next layer's blob, verified; the caller closes it once applied. Starts the download after it. */
  LayerSpool.Spooled next() throws IOException {
    if (ahead == null) {
      throw new IllegalStateException("no layer left to download");
    }
    LayerSpool.Spooled spooled = BackgroundFetches.await(ahead);
    ahead = null;
    startNext();
    return spooled;
  }

  private void startNext() {
    Descriptor blob = waiting.poll();
    if (blob != null) {
      ahead = fetches.start(true, () -> download.fetch(blob));
    }
  }

  /**
   * Waits for the download under way to end (the caller has cancelled it first where the pull failed) and frees
   * what it spooled, so that nothing of the pull's is left running or on disk.
   */
  @Override
  public void close() {
    if (ahead != null) {
      try {
        BackgroundFetches.await(ahead).close();
      } catch (IOException | RuntimeException e) {
        // The pull already fails or has ended; what this download would have said is moot.
      }
      ahead = null;
    }
  }
}
