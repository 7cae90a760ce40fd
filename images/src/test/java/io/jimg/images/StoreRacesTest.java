package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Races that the many-threads test in transfer found, each replayed step by step: an image found by name, then
 * renamed or replaced by another caller before the finder acts on what it found.
 */
class StoreRacesTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private Pools pools;
  private ImageStore store;
  private Discovery discovery;
  private ImageLocks locks;

  @BeforeEach
  void setUp() throws IOException {
    pools = new Pools(BTRFS.root());
    store = pools.store;
    discovery = new Discovery(List.of(pools.pool), List.of(ImageStore.VENDOR_ROOT));
    locks = new ImageLocks(pools.locks);
  }

  @AfterEach
  void tearDown() {
    pools.release();
  }

  /**
   * Regression: set read-only failed with ENOENT ("cannot make image writable: openat …: no such file") where the
   * image was renamed between its lookup and its locks; the locks of an image its name no longer holds protect
   * nothing, so they go and the name is looked up again.
   */
  @Test
  void aNameThatChangesHandsBetweenLookupAndLockIsLookedUpAgain() throws IOException {
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("first"));
    Entry found = discovery.require("a");
    store.rename("a", "b");
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("second"));

    assertNull(locks.lockIfStillNamed(discovery, found, LockKind.EXCLUSIVE, "change"));
    try (ImageLease renamed = store.lease("b", Access.WRITE)) {
      assertEquals("b", renamed.image().name()); // nothing of the stale attempt is still locked
    }
    try (ImageLocks.Locked locked = locks.byName(discovery, "a", LockKind.EXCLUSIVE, "change")) {
      assertTrue(locked.entry().isSameImage(discovery.require("a")));
      assertEquals("ID=second\nPRETTY_NAME=\"Test second\"\n",
          Files.readString(locked.entry().path().resolve("etc/os-release")));
    }
    store.setReadOnly("a", true);
    assertTrue(store.show("a").readOnly());
  }

  /**
   * Regression: a clone of a subvolume whose locks were held (there by a rename in progress, as by a running
   * container) snapshots it unlocked, and failed with ENOENT where the rename won; now the source is gone
   * (NOT_FOUND), or, where another image took its name meanwhile, replaced (BUSY), never a different image.
   */
  @Test
  void aBusySourceRenamedBeforeItsUnlockedCloneOpensItIsNotFoundOrBusy() throws IOException {
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("first"));
    Entry found = discovery.require("a");
    store.rename("a", "b");
    JimgException gone = assertThrows(JimgException.class, () -> Operations.openUnlocked(found).close());
    assertEquals(JimgException.Reason.NOT_FOUND, gone.reason(), gone.getMessage());

    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("second"));
    JimgException replaced = assertThrows(JimgException.class, () -> Operations.openUnlocked(found).close());
    assertEquals(JimgException.Reason.BUSY, replaced.reason(), replaced.getMessage());

    Entry current = discovery.require("a");
    try (var root = Operations.openUnlocked(current)) {
      assertNotNull(root);
    }
    assertEquals(List.of(), pools.temporaries());
    assertTrue(Files.isDirectory(Path.of(pools.pool.toString(), "b")));
  }

  /**
   * Regression: a clone of a subvolume in use, opened while its name still held it, failed with
   * "BTRFS_IOC_SNAP_CREATE_V2 …: ENOENT" where a remove holding its locks deleted it before the snapshot was
   * taken; the source is gone, NOT_FOUND, and nothing is left under the temporary name.
   */
  @Test
  void aSourceRemovedBetweenItsOpeningAndItsSnapshotIsNotFound() throws IOException {
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("first"));
    Entry found = discovery.require("a");
    byte[] temporary = FileNames.bytes(".#jimg-race.image");
    try (Fd root = Operations.openUnlocked(found); Fd pool = Fd.openDirectory(pools.pool)) {
      store.remove(List.of("a"));
      JimgException gone = assertThrows(JimgException.class,
          () -> Operations.snapshotInUse(found, root, pool, temporary, ReadOnly.NO));
      assertEquals(JimgException.Reason.NOT_FOUND, gone.reason(), gone.getMessage());
    }
    assertEquals(List.of(), pools.names());
  }

  /**
   * Regression: a listing that met an image removed after the listing found its name warned "cannot read image
   * …: ENOENT" (dozens of times in a service's load run); an image gone while we looked is simply not listed.
   */
  @Test
  void aListingRacingRemovalsWarnsOfNothingAndListsWholeImagesOnly() throws Exception {
    store.createTree("base", CreateOptions.DEFAULT, Pools.tree("base"));
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger listings = new AtomicInteger();
    Thread lister = new Thread(() -> {
      while (!done.get()) {
        try {
          for (Image image : store.list(false)) {
            assertNotNull(image.type(), image.name());
          }
          listings.incrementAndGet();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
    lister.start();
    try {
      for (int i = 0; i < 150; i++) {
        store.clone("base", "gone" + i, false);
        store.remove(List.of("gone" + i));
      }
    } finally {
      done.set(true);
      lister.join();
    }
    assertTrue(listings.get() > 0);
    assertEquals(List.of(), pools.events.events.stream().filter(e -> e.kind() == StoreEvent.Kind.WARNING).toList());
  }
}
