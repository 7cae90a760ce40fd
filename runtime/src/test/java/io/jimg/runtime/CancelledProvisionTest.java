package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Leftovers;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.StopAt;
import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fleet cancelled from another thread at several moments (before it starts, between images, inside a copy off
 * btrfs): CANCELLED, no image and no settings file published, the pool and the lock directory as they were, no
 * thread of its own alive; a cancel once publishing has begun is too late, and the fleet is published whole.
 */
// A hang guard, not a timing: a cancel that is never heeded would wait forever.
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelledProvisionTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private static FakePool ext4Pool;
  private static FakePool btrfsPool;

  @BeforeAll
  static void templates() throws IOException {
    Path tree = Files.createDirectories(EXT4.root().resolve("template-source"));
    Commands.run("bash", "-c", "cd " + tree + " && mkdir -p etc many && echo ID=test > etc/os-release"
        + " && for i in $(seq 200); do echo $i > many/f$i; done");
    ext4Pool = new FakePool(Files.createDirectories(EXT4.root().resolve("pool")));
    ext4Pool.add("tpl", tree, false);
    btrfsPool = new FakePool(BTRFS.root());
    btrfsPool.add("tpl", tree, true);
    Files.writeString(BTRFS.root().resolve("tpl.nspawn"), "[Exec]\nBoot=yes\n");
  }

  private static void assertCancelled(FakePool pool, Provisioner.Steps steps, Cancellation cancellation)
      throws IOException {
    Leftovers before = Leftovers.of(pool.directory, FakePool.lockDirectory());
    Provisioner provisioner = new Provisioner(pool, Clock.systemUTC(), steps);
    JimgException e = assertThrows(JimgException.class,
        () -> provisioner.provision("tpl", 3, "node", 1, cancellation));
    assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
    before.assertNone();
  }

  @Test
  void aFleetCancelledBeforeItStartsMakesNothing() throws IOException {
    Cancellation cancellation = Cancellation.of("provision of 'tpl'");
    cancellation.cancel();
    assertCancelled(btrfsPool, Provisioner.Steps.NONE, cancellation);
  }

  /** A fleet stopped from another thread at the moment its {@code steps} reach. */
  private static void assertStopsAt(FakePool pool, Function<Runnable, Provisioner.Steps> steps) throws Exception {
    Cancellation cancellation = Cancellation.of("provision of 'tpl'");
    try (StopAt stop = new StopAt(cancellation::cancel)) {
      assertCancelled(pool, steps.apply(stop::reached), cancellation);
      assertTrue(stop.wasReached(), "the moment came");
    }
  }

  /** The first snapshot and its settings file are made; the second image never starts. */
  @Test
  void aFleetStopsBetweenImages() throws Exception {
    assertStopsAt(btrfsPool, reach -> new Provisioner.Steps() {
      @Override
      public void beforeClone(int index) {
        if (index == 1) {
          reach.run();
        }
      }
    });
  }

  /** Off btrfs each image is a copy: the cancel comes in the middle of the second one. */
  @Test
  void aFleetStopsInsideACopy() throws Exception {
    assertStopsAt(ext4Pool, reach -> new Provisioner.Steps() {
      @Override
      public void copying(int index, long entries) {
        if (index == 1 && entries == 100) {
          reach.run();
        }
      }
    });
  }

  @Test
  void aCancelOncePublishingBeganLeavesTheFleetWhole() throws Exception {
    Cancellation cancellation = Cancellation.of("provision of 'tpl'");
    try (StopAt stop = new StopAt(cancellation::cancel)) {
      Provisioner.Steps atPublishing = new Provisioner.Steps() {
        @Override
        public void beforePublish(int index) {
          if (index == 0) {
            stop.reached();
          }
        }
      };
      ProvisionResult result = new Provisioner(ext4Pool, Clock.systemUTC(), atPublishing)
          .provision("tpl", 2, "late", 1, cancellation);
      assertTrue(stop.wasReached());
      assertEquals(List.of("late1", "late2"), result.names());
      for (String name : result.names()) {
        assertEquals(name + "\n", Files.readString(ext4Pool.directory.resolve(name + "/etc/hostname")));
      }
    }
  }
}
