package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Leftovers;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.btrfs.testing.StopAt;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Imports cancelled from another thread at several moments (before they start, mid-archive while a decoder thread
 * reads, while the input stalls, between data regions, while a qcow2 stream is spooled, between the entries of a
 * tree copy): each ends with CANCELLED, leaves the pool and its lock directory exactly as they were, publishes no
 * name, and leaves no thread of its own alive.
 */
// A hang guard, not a timing: a cancel that is never heeded would wait forever.
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelledImportTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path source;
  private static Path archives;
  private static Path sparseDisk;

  @BeforeAll
  static void makeInputs() throws IOException {
    Requirements.requireTool("qemu-img");
    source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    // Enough entries and data for a cancel to land mid-way: a few hundred files and 8 MiB of random data.
    TestTrees.bash("mkdir -p " + source + "/many && for i in $(seq 300); do echo $i > " + source + "/many/f$i; done"
        + " && head -c 8M /dev/urandom > " + source + "/random");
    archives = Files.createDirectories(BTRFS.root().resolve("archives"));
    TestTrees.bash("cd " + archives + " && tar --numeric-owner --xattrs --xattrs-include='*' -C " + source
        + " -cf rootfs.tar . && gzip -k rootfs.tar && xz -k -T2 --block-size=1MiB rootfs.tar && zstd -q rootfs.tar");
    // 3 data regions of 2 MiB with holes between, and the same as an xz stream and a qcow2 image.
    sparseDisk = archives.resolve("disk.raw");
    TestTrees.bash("truncate -s 64M " + sparseDisk + " && for at in 0 20 40; do head -c 2M /dev/urandom"
        + " | dd of=" + sparseDisk + " bs=1M seek=$at conv=notrunc status=none; done"
        + " && xz -k -T1 " + sparseDisk + " && qemu-img convert -f raw -O qcow2 " + sparseDisk + " " + archives
        + "/disk.qcow2");
  }

  /** A fresh pool and the store on it; the pool's directory exists, as after any earlier use. */
  private static ImageStore store(Path pool, StoreListener listener) throws IOException {
    Files.createDirectories(pool);
    ImageStore store = TestStores.on(pool).listener(listener).build();
    store.list(true);
    return store;
  }

  private static Path pool() {
    return BTRFS.root().resolve("pool-" + COUNTER.incrementAndGet());
  }

  private static Leftovers leftovers(Path pool) {
    return Leftovers.of(pool, pool.resolveSibling(pool.getFileName() + ".locks"));
  }

  private interface Import {
    void run(Importer importer) throws IOException;
  }

  /** Runs {@code work} with an importer that {@code cancellation} stops, and checks what a cancel must leave. */
  private static void assertCancelled(ImageStore store, Path pool, Cancellation cancellation, StoreListener listener,
      Import work) throws IOException {
    Leftovers before = leftovers(pool);
    Importer importer = Importer.builder(store).listener(listener).cancellation(cancellation).build();
    JimgException e = assertThrows(JimgException.class, () -> work.run(importer));
    assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
    assertFalse(store.exists("cancelled"), "no name published");
    before.assertNone();
  }

  /**
   * An import into a fresh pool, stopped from another thread when it reaches the moment that {@code listener}
   * (hearing the import) or {@code work} (reading through a hooked stream) signals with the runnable they get.
   */
  private static void assertStopsAt(Function<Runnable, StoreListener> listener, Function<Runnable, Import> work)
      throws Exception {
    Path pool = pool();
    ImageStore store = store(pool, StoreListener.NONE);
    Cancellation cancellation = Cancellation.of("import of 'cancelled'");
    try (StopAt stop = new StopAt(cancellation::cancel)) {
      assertCancelled(store, pool, cancellation, listener.apply(stop::reached), work.apply(stop::reached));
      assertTrue(stop.wasReached(), "the moment came");
    }
  }

  /** {@code file} through a stream that signals the moment half-way (and stalls there, where asked). */
  private static InputStream halfWay(Path file, boolean stall, Runnable reach) throws IOException {
    InputStream in = Files.newInputStream(file);
    long half = Files.size(file) / 2;
    return stall ? HookedStreams.stalling(in, half, reach) : HookedStreams.pausing(in, half, reach);
  }

  @Test
  void aTarImportCancelledBeforeItStartsMakesNothing() throws IOException {
    Path pool = pool();
    ImageStore store = store(pool, StoreListener.NONE);
    Cancellation cancellation = Cancellation.of("import-tar of 'cancelled'");
    cancellation.cancel();
    assertCancelled(store, pool, cancellation, StoreListener.NONE,
        importer -> importer.importTar(archives.resolve("rootfs.tar.xz"), "cancelled"));
  }

  /** The decoder thread is stopped in the middle of the archive, mid-decompression where it is compressed. */
  @ParameterizedTest
  @ValueSource(strings = {"rootfs.tar", "rootfs.tar.gz", "rootfs.tar.xz", "rootfs.tar.zst"})
  void aTarImportStopsWhileItsDecoderThreadReadsMidArchive(String archive) throws Exception {
    assertStopsAt(StoppingListeners::deaf,
        reach -> importer -> importer.importTar(halfWay(archives.resolve(archive), false, reach), "cancelled"));
  }

  /** The import waits for its decoder, which waits for input that does not come: the cancel wakes it. */
  @Test
  void aTarImportStopsWhileItsInputStalls() throws Exception {
    assertStopsAt(StoppingListeners::deaf,
        reach -> importer -> importer.importTar(halfWay(archives.resolve("rootfs.tar.gz"), true, reach), "cancelled"));
  }

  /** Stopped at the first progress report, between the data regions of a file with holes. */
  @Test
  void aRawImportStopsBetweenDataRegions() throws Exception {
    assertStopsAt(reach -> StoppingListeners.atProgress(progress -> true, reach),
        reach -> importer -> importer.importRaw(sparseDisk, "cancelled"));
  }

  @Test
  void aRawImportFromACompressedStreamStopsMidData() throws Exception {
    assertStopsAt(StoppingListeners::deaf,
        reach -> importer -> importer.importRaw(halfWay(archives.resolve("disk.raw.xz"), false, reach), "cancelled"));
  }

  /** A qcow2 stream is spooled into the pool first: the cancel comes mid-spool, and the spool goes too. */
  @Test
  void aQcow2StreamStopsWhileItIsSpooled() throws Exception {
    assertStopsAt(StoppingListeners::deaf,
        reach -> importer -> importer.importRaw(halfWay(archives.resolve("disk.qcow2"), false, reach), "cancelled"));
  }

  @Test
  void anFsImportStopsBetweenEntries() throws Exception {
    assertStopsAt(reach -> StoppingListeners.atProgress(progress -> progress.entriesDone() == 100, reach),
        reach -> importer -> importer.importFs(source, "cancelled"));
  }

  /** Once the store has published the image, a cancel is too late: the import completes as if none came. */
  @Test
  void aCancelAfterPublishingLeavesTheImportComplete() throws Exception {
    Path pool = pool();
    Cancellation cancellation = Cancellation.of("import-tar of 'late'");
    try (StopAt stop = new StopAt(cancellation::cancel)) {
      StoreListener atCreated = StoppingListeners.atEvent(event -> event.kind() == StoreEvent.Kind.CREATED,
          stop::reached);
      ImageStore store = store(pool, atCreated);
      Importer.builder(store).cancellation(cancellation).build().importTar(archives.resolve("rootfs.tar.zst"), "late");
      assertTrue(stop.wasReached());
      assertTrue(cancellation.isCancelled());
      TestTrees.assertSameTree(TestTrees.describe(source), TestTrees.describe(pool.resolve("late")));
    }
  }
}
