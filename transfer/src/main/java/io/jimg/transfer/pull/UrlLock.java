package io.jimg.transfer.pull;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.Stat;
import io.jimg.images.Cancellation;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One pull per URL (or other key: an OCI pull's manifest digest) at a time across processes: an OFD write lock on {@code <directory>/pull-<sha256 of url>}.
 * The second pull waits, then finds the first one's cache entry and reuses it. A lock file is unlinked only by a
 * cancelled pull that made it, and only while it holds the lock; a pull that gets a lock then checks that its file
 * still has the name, else takes the one that has it now, so that two pulls never hold locks on two different
 * files.
 */
public final class UrlLock implements AutoCloseable {
  private final Fd directory;
  private final byte[] name;
  private final Fd file;
  private final boolean made;

  private UrlLock(Fd directory, byte[] name, Fd file, boolean made) {
    this.directory = directory;
    this.name = name;
    this.file = file;
    this.made = made;
  }

  public static UrlLock acquire(Path directory, String url, StoreListener listener) throws IOException {
    return acquire(directory, url, listener, Cancellation.NEVER);
  }

  /** As above; a wait for another pull of the URL ends with the cancel of {@code cancellation}, within 100 ms. */
  public static UrlLock acquire(Path directory, String url, StoreListener listener, Cancellation cancellation)
      throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Fd parent = Fd.openDirectory(directory);
    try {
      byte[] name = FileNames.bytes("pull-" + CacheNames.sha256(url).substring(0, 32));
      while (true) {
        boolean made = parent.statIfExists(name) == null;
        // A regular file only: a device node or fifo planted under the name is refused, never opened.
        Fd file = RegularFiles.openOrCreate(parent, name, Linux.O_RDWR, 0600);
        try {
          if (!file.tryLock(LockKind.EXCLUSIVE)) {
            listener.event(new StoreEvent(StoreEvent.Kind.SKIPPED_BUSY, null,
                "waiting for another pull of " + url + " to finish"));
            awaitLock(file, cancellation);
          }
          Stat named = parent.statIfExists(name);
          Stat locked = file.stat();
          if (named != null && named.inode() == locked.inode() && named.device() == locked.device()) {
            return new UrlLock(parent, name, file, made);
          }
        } catch (IOException | RuntimeException e) {
          file.close();
          throw e;
        }
        file.close(); // a cancelled pull removed it while we waited for its lock: lock the one under the name
      }
    } catch (IOException | RuntimeException e) {
      parent.close();
      throw e;
    }
  }

  /**
   * Waits for the lock, asking again every 100 ms rather than blocking in the kernel, where no cancel could reach
   * the wait; a cancel ends it at once.
   */
  private static void awaitLock(Fd file, Cancellation cancellation) throws IOException {
    CountDownLatch cancelled = new CountDownLatch(1);
    try (Cancellation.Registration wake = cancellation.onCancel(cancelled::countDown)) {
      while (!file.tryLock(LockKind.EXCLUSIVE)) {
        try {
          cancelled.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for another pull");
        }
        cancellation.check();
      }
    }
  }

  /** Unlinks the lock file where this pull made it, so that a cancelled pull leaves the directory as it found it. */
  public void removeIfMade() {
    if (made) {
      try {
        directory.unlink(name);
      } catch (NativeException e) {
        // Left as a lock file any later pull of the URL uses: harmless.
      }
    }
  }

  @Override
  public void close() {
    try {
      file.close();
    } finally {
      directory.close();
    }
  }
}
