package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.Leftovers;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.StopAt;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A clone that copies (off btrfs, or a directory image into a btrfs subvolume, or a raw image) stops when it is
 * cancelled from another thread, at any moment of the copy: CANCELLED, nothing published, no temporary or lock
 * file left in the pool, no thread of its own alive.
 */
class CancelledCloneTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(512L << 20);
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private static final int FILES = 40;

  /** Hears the clone's progress, and reaches the stop at the {@code at}-th report. */
  private static final class StopAtProgress implements StoreListener {
    private final AtomicLong reports = new AtomicLong();
    private final long at;
    private volatile StopAt stop;

    StopAtProgress(long at) {
      this.at = at;
    }

    @Override
    public void progress(Progress progress) {
      if (progress.operation().equals("clone") && reports.incrementAndGet() == at && stop != null) {
        stop.reached();
      }
    }
  }

  /**
   * A store with a tree image of {@value #FILES} files in a few directories, a directory (made as a plain one, as
   * a directory image on btrfs is), or a raw image of two 64 MiB blocks of data and a bit.
   */
  private static ImageStore storeWith(String image, Path root, StoreListener listener) throws IOException {
    Pools pools = new Pools(root);
    ImageStore store = pools.builder().listener(listener).build();
    if (image.equals("disk")) {
      store.createRaw("disk", CreateOptions.DEFAULT, made -> {
        Fd file = Descriptors.of(made);
        byte[] block = new byte[1 << 20];
        new Random(1).nextBytes(block);
        for (int i = 0; i < 2 * 64 + 1; i++) {
          file.pwriteFully(block, block.length, (long) i << 20);
        }
      });
    } else {
      Path tree = Files.createDirectories(pools.pool).resolve(image);
      for (int i = 0; i < FILES; i++) {
        Path dir = Files.createDirectories(tree.resolve("d" + i % 4));
        Files.writeString(dir.resolve("f" + i), "file " + i);
      }
    }
    return store;
  }

  private static void assertCancelledLeavingNothing(ImageStore store, String source, Cancellation cancellation,
      Leftovers before) throws IOException {
    JimgException e = assertThrows(JimgException.class,
        () -> store.clone(source, "copy", new CreateOptions(false, false), cancellation));
    assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
    assertFalse(store.exists("copy"));
    before.assertNone();
  }

  private static Leftovers leftovers(ImageStore store) {
    Path pool = store.writablePool();
    return Leftovers.of(pool, pool.resolveSibling("locks"), pool.resolveSibling("nspawn"));
  }

  @Test
  void aCloneCancelledBeforeItStartsMakesNothing() throws IOException {
    ImageStore store = storeWith("tree", EXT4.root(), StoreListener.NONE);
    Leftovers before = leftovers(store);
    Cancellation cancellation = Cancellation.of("clone of 'tree'");
    cancellation.cancel();
    assertCancelledLeavingNothing(store, "tree", cancellation, before);
  }

  @Test
  void aTreeCopyOffBtrfsStopsBetweenEntries() throws Exception {
    cancelMidCopy(EXT4.root(), "tree", FILES / 2);
  }

  @Test
  void aTreeCopyIntoABtrfsSubvolumeStopsBetweenEntries() throws Exception {
    // A directory image on btrfs is copied into a new subvolume: the temporary to remove is a subvolume.
    assertEquals(ImageType.DIRECTORY, storeWith("dir", BTRFS.root(), StoreListener.NONE).show("dir").type());
    cancelMidCopy(BTRFS.root(), "tree", FILES / 2);
  }

  @Test
  void aRawCopyStopsBetweenBlocks() throws Exception {
    cancelMidCopy(EXT4.root(), "disk", 1);
  }

  private static void cancelMidCopy(Path root, String source, long atReport) throws Exception {
    StopAtProgress listener = new StopAtProgress(atReport);
    ImageStore store = storeWith(source, root, listener);
    Leftovers before = leftovers(store);
    Cancellation cancellation = Cancellation.of("clone of '" + source + "'");
    try (StopAt stop = new StopAt(cancellation::cancel)) {
      listener.stop = stop;
      assertCancelledLeavingNothing(store, source, cancellation, before);
      assertTrue(stop.wasReached(), "the copy reached report " + atReport);
    }
  }

  @Test
  void aCloneNotCancelledCopiesAsBefore() throws IOException {
    ImageStore store = storeWith("tree", EXT4.root(), StoreListener.NONE);
    assertEquals(ImageType.DIRECTORY, store.show("tree").type());
    store.clone("tree", "copy", new CreateOptions(false, false), Cancellation.of("clone of 'tree'"));
    assertEquals("file 7", Files.readString(store.writablePool().resolve("copy/d3/f7")));
  }
}
