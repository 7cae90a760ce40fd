package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Leftovers;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.btrfs.testing.StopAt;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.compress.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exports cancelled from another thread at several moments (before they start, while the compressor's writer
 * thread writes, mid-walk, between data regions): each ends with CANCELLED, leaves no file and no temporary in the
 * target directory (a file it was to replace stays as it was), the pool and its locks as they were, and no thread
 * of its own alive.
 */
// A hang guard, not a timing: a cancel that is never heeded would wait forever.
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelledExportTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path pool;
  private static ImageStore store;

  @BeforeAll
  static void makeImages() throws IOException {
    Requirements.requireTool("python3");
    Path source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    // 8 MiB of data (a whole xz chunk, on a worker by then), then many entries and a socket, whose skipping the
    // export reports mid-walk.
    TestTrees.bash("mkdir -p " + source + "/many && for i in $(seq 300); do echo $i > " + source + "/many/f$i; done"
        + " && head -c 8M /dev/urandom > " + source + "/a-random"
        + " && python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' " + source
        + "/many/socket");
    Path disk = BTRFS.root().resolve("disk.raw");
    TestTrees.bash("truncate -s 64M " + disk + " && for at in 0 20 40; do head -c 2M /dev/urandom"
        + " | dd of=" + disk + " bs=1M seek=$at conv=notrunc status=none; done");
    pool = Files.createDirectories(BTRFS.root().resolve("pool"));
    store = TestStores.on(pool).build();
    Importer.builder(store).build().importFs(source, "tree");
    Importer.builder(store).build().importRaw(disk, "disk");
  }

  private static Path exports() throws IOException {
    return Files.createDirectories(BTRFS.root().resolve("exports-" + COUNTER.incrementAndGet()));
  }

  private interface Export {
    void run(Exporter exporter) throws IOException;
  }

  private static void assertCancelled(Path exports, Cancellation cancellation, StoreListener listener,
      Compression format, Export work) throws IOException {
    Leftovers before = Leftovers.of(exports, pool, pool.resolveSibling("pool.locks"));
    Exporter exporter = Exporter.builder(store).format(format).threads(2).listener(listener)
        .cancellation(cancellation).build();
    JimgException e = assertThrows(JimgException.class, () -> work.run(exporter));
    assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
    before.assertNone();
  }

  @Test
  void anExportCancelledBeforeItStartsWritesNothing() throws IOException {
    Path exports = exports();
    Cancellation cancellation = Cancellation.of("export-tar of 'tree'");
    cancellation.cancel();
    assertCancelled(exports, cancellation, StoreListener.NONE, Compression.XZ,
        exporter -> exporter.exportTar("tree", exports.resolve("tree.tar.xz")));
  }

  /**
   * The thread that writes the compressed archive is stopped mid-way (xz writes its first bytes only once a whole
   * chunk is compressed: the file test below stops it while its workers compress).
   */
  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZSTD"})
  void aTarExportToAStreamStopsWhileItsWriterThreadWrites(Compression format) throws Exception {
    Path exports = exports();
    Cancellation cancellation = Cancellation.of("export-tar of 'tree'");
    try (StopAt stop = new StopAt(cancellation::cancel);
        OutputStream file = Files.newOutputStream(exports.resolve("stream"))) {
      OutputStream out = HookedStreams.pausing(file, 64 * 1024, stop::reached);
      Leftovers before = Leftovers.of(pool, pool.resolveSibling("pool.locks"));
      Exporter exporter = Exporter.builder(store).format(format).threads(2).cancellation(cancellation).build();
      JimgException e = assertThrows(JimgException.class, () -> exporter.exportTar("tree", out));
      assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
      before.assertNone();
      assertTrue(stop.wasReached());
    }
  }

  /**
   * Stopped mid-walk, at the skipped socket, while the xz workers compress the first chunk: the unnamed or hidden
   * file is removed, nothing takes the name.
   */
  @Test
  void aTarExportToAFileStopsMidWalk() throws Exception {
    Path exports = exports();
    Cancellation cancellation = Cancellation.of("export-tar of 'tree'");
    try (StopAt stop = new StopAt(cancellation::cancel)) {
      StoreListener atTheSocket = StoppingListeners.atEvent(
          event -> event.message().contains("sockets cannot be archived"), stop::reached);
      assertCancelled(exports, cancellation, atTheSocket, Compression.XZ,
          exporter -> exporter.exportTar("tree", exports.resolve("tree.tar.xz")));
      assertTrue(stop.wasReached());
    }
  }

  /** Stopped between data regions, compressing on two workers: the file it was to replace is left as it was. */
  @Test
  void aRawExportStopsBetweenDataRegionsAndLeavesTheFileItReplaces() throws Exception {
    Path exports = exports();
    Path target = Files.writeString(exports.resolve("disk.raw.gz"), "the file that was there");
    Cancellation cancellation = Cancellation.of("export-raw of 'disk'");
    try (StopAt stop = new StopAt(cancellation::cancel)) {
      StoreListener atFirstRegion = StoppingListeners.atProgress(progress -> true, stop::reached);
      assertCancelled(exports, cancellation, atFirstRegion, Compression.GZIP,
          exporter -> exporter.exportRaw("disk", target));
      assertTrue(stop.wasReached());
    }
    assertArrayEquals("the file that was there".getBytes(), Files.readAllBytes(target));
  }
}
