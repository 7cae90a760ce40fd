package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.O_RDONLY;
import static io.jimg.btrfs.Linux.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OFD locks, the kind systemd-nspawn takes on images and lock files: owned by the open file description, so two
 * descriptors of one process conflict, and released when the description is closed.
 */
class LockTest {
  @TempDir Path directory;
  private Path file;

  @BeforeEach
  void lockFile() throws Exception {
    file = Files.createFile(directory.resolve("image.lck"));
  }

  private Fd open() throws NativeException {
    return Fd.open(file, O_RDWR);
  }

  @Test
  void exclusiveExcludesEveryOtherDescriptionEvenInThisProcess() throws Exception {
    try (Fd holder = open(); Fd other = open()) {
      assertTrue(holder.tryLock(LockKind.EXCLUSIVE));
      assertFalse(other.tryLock(LockKind.SHARED));
      assertFalse(other.tryLock(LockKind.EXCLUSIVE));
      assertTrue(other.isLockedByOthers(LockKind.SHARED));
      assertTrue(other.isLockedByOthers(LockKind.EXCLUSIVE));
      assertFalse(holder.isLockedByOthers(LockKind.EXCLUSIVE), "a description's own lock is no conflict");
      assertTrue(holder.tryLock(LockKind.EXCLUSIVE), "relocking what one holds succeeds");
    }
  }

  @Test
  void sharedLocksCoexistAndKeepWritersOut() throws Exception {
    try (Fd reader = open(); Fd second = Fd.open(file, O_RDONLY); Fd writer = open()) {
      assertTrue(reader.tryLock(LockKind.SHARED));
      assertTrue(second.tryLock(LockKind.SHARED));
      assertFalse(writer.isLockedByOthers(LockKind.SHARED));
      assertTrue(writer.isLockedByOthers(LockKind.EXCLUSIVE));
      assertFalse(writer.tryLock(LockKind.EXCLUSIVE));
      reader.unlock();
      assertFalse(writer.tryLock(LockKind.EXCLUSIVE), "the second reader still holds it");
      second.unlock();
      assertTrue(writer.tryLock(LockKind.EXCLUSIVE));
    }
  }

  @Test
  void closingTheDescriptorReleasesItsLock() throws Exception {
    try (Fd other = open()) {
      Fd holder = open();
      assertTrue(holder.tryLock(LockKind.EXCLUSIVE));
      assertFalse(other.tryLock(LockKind.EXCLUSIVE));
      holder.close();
      assertFalse(other.isLockedByOthers(LockKind.EXCLUSIVE));
      assertTrue(other.tryLock(LockKind.EXCLUSIVE));
    }
  }

  @Test
  void lockWaitsForTheHolderToLetGo() throws Exception {
    Fd holder = open();
    try (Fd waiter = open()) {
      assertTrue(holder.tryLock(LockKind.EXCLUSIVE));
      CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
        try {
          waiter.lock(LockKind.SHARED);
        } catch (NativeException e) {
          throw new IllegalStateException(e);
        }
      });
      awaitBlockedWaiter(holder.stat().inode());
      assertFalse(waiting.isDone(), "lock() returned while a conflicting lock was held");
      holder.close();
      waiting.get(10, TimeUnit.SECONDS);
      try (Fd third = open()) {
        assertTrue(third.isLockedByOthers(LockKind.EXCLUSIVE));
      }
    } finally {
      holder.close();
    }
  }

  /** Waits until the kernel lists a waiter blocked on the file (a "->" line of /proc/locks); fails only if hung. */
  private static void awaitBlockedWaiter(long inode) throws Exception {
    String suffix = ":" + inode + " 0 EOF";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.readAllLines(Path.of("/proc/locks")).stream()
        .noneMatch(l -> l.contains(" -> OFDLCK ") && l.contains(suffix))) {
      assertTrue(System.nanoTime() < deadline, "no waiter blocked on the lock within a minute");
      Thread.onSpinWait();
    }
  }

  @Test
  void theKernelListsItAsAnOfdLock() throws Exception {
    try (Fd holder = open()) {
      assertTrue(holder.tryLock(LockKind.EXCLUSIVE));
      String suffix = ":" + holder.stat().inode() + " 0 EOF";
      String line = Files.readAllLines(Path.of("/proc/locks")).stream()
          .filter(l -> l.contains(suffix)).findFirst().orElseThrow();
      assertTrue(line.contains(" OFDLCK ") && line.contains(" WRITE "), line);
    }
  }

  @Test
  void conflictsWithProcessAssociatedFcntlLocks() throws Exception {
    // JDK FileChannel locks are classic fcntl locks; OFD and classic record locks do conflict with each other.
    try (Fd holder = open(); FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      assertTrue(holder.tryLock(LockKind.EXCLUSIVE));
      assertNull(channel.tryLock());
    }
  }

  /**
   * Probe of the lock kind, not a wish: on Linux a BSD flock and an OFD lock live in separate tables and never
   * conflict. A tool that takes flock on an image's lock file does not exclude systemd-nspawn or jimg, which is
   * why jimg takes the OFD kind that systemd takes.
   */
  @Test
  void doesNotConflictWithABsdFlock() throws Exception {
    Requirements.requireTool("flock");
    try (Fd holder = open()) {
      assertTrue(holder.tryLock(LockKind.EXCLUSIVE));
      assertEquals(0, Commands.exec("flock", "--nonblock", "--exclusive", file.toString(), "true").exitCode());
    }
    Process flockHolder = new ProcessBuilder("flock", "--exclusive", file.toString(), "sh", "-c", "echo locked; exec sleep 60")
        .redirectErrorStream(true).start();
    try (BufferedReader output = new BufferedReader(
            new InputStreamReader(flockHolder.getInputStream(), StandardCharsets.UTF_8));
         Fd ofd = open()) {
      assertEquals("locked", output.readLine());
      assertEquals(1, Commands.exec("flock", "--nonblock", "--exclusive", file.toString(), "true").exitCode(),
          "the BSD lock is really held");
      assertTrue(ofd.tryLock(LockKind.EXCLUSIVE));
    } finally {
      flockHolder.descendants().forEach(ProcessHandle::destroyForcibly); // flock runs its command as a child
      flockHolder.destroyForcibly().waitFor();
    }
  }
}
