package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Leftovers;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.StopAt;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.StoppingListeners;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pulls from a real nginx cancelled from another thread at several moments (before they start, while the image
 * download or the checksum fetch is blocked on a stalled server, while the image is copied out of a new cache
 * entry): each ends with CANCELLED, leaves the pool (no partial download, no cache entry it made), the store's and
 * the pulls' lock directories exactly as they were, publishes no name, and leaves no thread of its own running.
 */
// A hang guard, not a timing: a cancel that is never heeded would wait forever.
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelledPullTest {
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(256L << 20);
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @TempDir Path work;

  /** The pull's own threads (for the checksum file, settings and keyrings), to see that each of them ends. */
  private final List<Thread> pullThreads = new CopyOnWriteArrayList<>();

  /**
   * A pull on a fresh store in {@code filesystem}, whose listener (the store's and the pull's) is made by
   * {@code listening} from what reaches the moment to stop the pull at.
   */
  private final class Setup {
    final Path base;
    final Path pool;
    final ImageStore store;
    final Puller puller;
    private volatile StopAt stop;

    Setup(LoopFilesystem filesystem, Function<Runnable, StoreListener> listening) throws IOException {
      StoreListener listener = listening.apply(() -> {
        StopAt at = stop;
        if (at != null) {
          at.reached();
        }
      });
      base = filesystem.newDirectory("pull-");
      pool = Files.createDirectories(base.resolve("machines"));
      Files.createDirectories(base.resolve("pull-locks"));
      store = ImageStore.builder().imageRoot(pool).settingsDirectory(base.resolve("nspawn"))
          .lockDirectory(base.resolve("locks")).listener(listener).build();
      store.list(true);
      Executor executor = task -> {
        Thread thread = new Thread(task, "test-pull-task");
        thread.setDaemon(true);
        pullThreads.add(thread);
        thread.start();
      };
      HttpOptions http = HttpOptions.defaults().withEnvironment(Map.of()).withRetries(2, Duration.ofMillis(10), d -> { });
      puller = new Puller(new ImageStorePullStore(store, new StoreUnpacker(store, 1L << 30, StoreListener.NONE)),
          new Fetcher(http), base.resolve("none"), base.resolve("pull-locks"), Clock.systemUTC(), listener, executor);
    }

    Leftovers leftovers() {
      return Leftovers.of(pool, base.resolve("locks"), base.resolve("pull-locks"), base.resolve("nspawn"));
    }

    void assertCancelled(URI url, PullOptions options, Cancellation cancellation) throws InterruptedException {
      Leftovers before = leftovers();
      JimgException e = assertThrows(JimgException.class, () -> puller.pull(url, "cancelled", options, cancellation));
      assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
      assertFalse(Files.exists(pool.resolve("cancelled")), "no name published");
      before.assertNone();
      for (Thread thread : pullThreads) {
        thread.join(); // each ends by itself: its fetch was cancelled too
      }
    }

    /** Pulls {@code url}, stopped from another thread at the moment the listener hears. */
    void assertStopsAtTheMoment(URI url, PullOptions options) throws Exception {
      Cancellation cancellation = Cancellation.of("pull of 'cancelled'");
      try (StopAt at = new StopAt(cancellation::cancel)) {
        stop = at;
        assertCancelled(url, options, cancellation);
        assertTrue(at.wasReached(), "the moment came");
      }
    }
  }

  /** Publishes {@code files} under {@code /<directory>/}; returns the URL of {@code file} there. */
  private static URI publish(String directory, String file, Map<String, byte[]> files) throws IOException {
    Path dir = Files.createDirectories(NGINX.root().resolve(directory));
    for (Map.Entry<String, byte[]> entry : files.entrySet()) {
      Files.write(dir.resolve(entry.getKey()), entry.getValue());
    }
    return NGINX.url("/" + directory + "/" + file);
  }

  /** An image of 2 MiB of random data in a tar, or as a raw disk. */
  private byte[] image(String fileName) throws IOException {
    Path root = Files.createTempDirectory(work, "root-");
    FakePullStore.run("bash", "-c", "mkdir -p " + root + "/etc && echo ID=test > " + root + "/etc/os-release"
        + " && head -c 2M /dev/urandom > " + root + "/random");
    Path out = work.resolve(fileName);
    if (fileName.endsWith(".raw")) {
      Files.copy(root.resolve("random"), out);
    } else {
      FakePullStore.run("tar", "-cf", out.toString(), "-C", root.toString(), ".");
    }
    return Files.readAllBytes(out);
  }

  /** Reaches the moment at the progress reports whose operation starts with {@code operation}. */
  private static Function<Runnable, StoreListener> atProgress(String operation) {
    return reach -> StoppingListeners.atProgress(progress -> progress.operation().startsWith(operation), reach);
  }

  @Test
  void aPullCancelledBeforeItStartsFetchesNothing() throws Exception {
    Setup setup = new Setup(BTRFS, StoppingListeners::deaf);
    URI url = publish("before", "image.tar", Map.of("image.tar", image("image.tar")));
    Cancellation cancellation = Cancellation.of("pull-tar of 'cancelled'");
    cancellation.cancel();
    setup.assertCancelled(url, PullOptions.builder().verify("no").settings(false).build(), cancellation);
    assertEquals(0, NGINX.accessLog().stream().filter(l -> l.contains("/before/")).count(), "nothing was asked");
  }

  /** The body stalls after its first buffer: the cancel must end the read that waits for the rest. */
  @ParameterizedTest
  @ValueSource(strings = {"image.tar", "image.raw"})
  void aDownloadBlockedOnAStalledServerStops(String file) throws Exception {
    Setup setup = new Setup(BTRFS, atProgress("download "));
    URI url = publish("stalled", file, Map.of(file, image(file)));
    setup.assertStopsAtTheMoment(url, PullOptions.builder().verify("no").settings(false).build());
  }

  /** The checksum file stalls: the cancel ends its fetch, on the pull's own thread, and no download starts. */
  @Test
  void aChecksumFetchBlockedOnAStalledServerStops() throws Exception {
    // The warning is said after the checksum file was asked for, before the pull waits for it.
    Setup setup = new Setup(BTRFS,
        reach -> StoppingListeners.atEvent(event -> event.message().startsWith("--verify=checksum"), reach));
    byte[] image = image("image.tar");
    URI url = publish("stalled-early", "image.tar",
        Map.of("image.tar", image, "SHA256SUMS", TestImages.sums(Map.of("image.tar", image))));
    setup.assertStopsAtTheMoment(url, PullOptions.builder().verify("checksum").settings(false).build());
    assertEquals(List.of(), NGINX.accessLog().stream().filter(l -> l.startsWith("GET /stalled-early/image.tar "))
        .toList(), "the image was never asked for");
  }

  /**
   * Off btrfs the new image is a copy of the cache entry the pull just made: cancelled mid-copy, the entry goes
   * too, and the pool is as it was.
   */
  @Test
  void aCopyOutOfANewCacheEntryStopsAndTakesTheEntryWithIt() throws Exception {
    Setup setup = new Setup(EXT4, atProgress("clone"));
    URI url = publish("cached", "image.tar", Map.of("image.tar", image("image.tar")));
    setup.assertStopsAtTheMoment(url, PullOptions.builder().verify("no").settings(false).build());
  }

  /**
   * The server says the file is unchanged (304): the image is copied out of the cache entry an earlier pull
   * left. Cancelled mid-copy, the entry stays as it was, and nothing else is left.
   */
  @Test
  void aCopyOutOfAnEarlierCacheEntryStopsAndKeepsTheEntry() throws Exception {
    Setup setup = new Setup(EXT4, atProgress("clone"));
    URI url = publish("unchanged", "image.tar", Map.of("image.tar", image("image.tar")));
    PullOptions options = PullOptions.builder().verify("no").settings(false).build();
    setup.puller.pull(url, "first", options);
    setup.assertStopsAtTheMoment(url, options);
    List<String> answers = NGINX.accessLog().stream().filter(l -> l.startsWith("GET /unchanged/image.tar "))
        .map(l -> l.split(" ")[2]).toList();
    assertEquals(List.of("200", "304"), answers, "one download, then the cache");
  }

  @Test
  void aPullNotCancelledCompletes() throws Exception {
    Setup setup = new Setup(BTRFS, StoppingListeners::deaf);
    URI url = publish("whole", "image.tar", Map.of("image.tar", image("image.tar")));
    setup.puller.pull(url, "whole", PullOptions.builder().verify("no").settings(false).build(),
        Cancellation.of("pull-tar of 'whole'"));
    assertEquals(2L << 20, Files.size(setup.pool.resolve("whole/random")));
  }
}
