package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.testing.StopAt;
import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.StoppingListeners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-URL lock: a cancelled pull removes the lock file it made, and a pull that waited for it still excludes. */
class UrlLockTest {
  private static final String URL = "http://example.org/image.tar";

  @TempDir Path locks;

  private List<String> names() throws IOException {
    try (var entries = Files.list(locks)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void aPullThatWaitedForARemovedLockFileLocksTheOneUnderTheName() throws Exception {
    UrlLock first = UrlLock.acquire(locks, URL, StoreListener.NONE);
    String name = names().get(0);
    CountDownLatch waiting = new CountDownLatch(1);
    StoreListener toldToWait = new StoreListener() {
      @Override
      public void event(StoreEvent event) {
        if (event.kind() == StoreEvent.Kind.SKIPPED_BUSY) {
          waiting.countDown();
        }
      }
    };
    CompletableFuture<UrlLock> second = CompletableFuture.supplyAsync(() -> {
      try {
        return UrlLock.acquire(locks, URL, toldToWait);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    waiting.await();
    first.removeIfMade(); // what a cancelled pull does before it lets go
    first.close();
    try (UrlLock held = second.join(); Fd named = Fd.open(locks.resolve(name), Linux.O_RDWR)) {
      assertEquals(List.of(name), names());
      assertFalse(named.tryLock(LockKind.EXCLUSIVE), "the file under the name is the one the second pull holds");
      held.removeIfMade(); // it made the file it holds, so a cancel of it would take that one away too
    }
    assertEquals(List.of(), names());
  }

  @Test
  void aLockFileThatWasThereBeforeStays() throws Exception {
    UrlLock.acquire(locks, URL, StoreListener.NONE).close();
    try (UrlLock lock = UrlLock.acquire(locks, URL, StoreListener.NONE)) {
      lock.removeIfMade();
    }
    assertTrue(names().size() == 1, names().toString());
  }

  /** A pull waiting for another pull of the same URL is cancelled: its wait ends, and the other keeps its lock. */
  @Test
  void aWaitForAnotherPullEndsWithACancel() throws Exception {
    try (UrlLock first = UrlLock.acquire(locks, URL, StoreListener.NONE)) {
      Cancellation cancellation = Cancellation.of("pull of 'second'");
      try (StopAt stop = new StopAt(cancellation::cancel)) {
        StoreListener toldToWait = StoppingListeners.atEvent(
            event -> event.kind() == StoreEvent.Kind.SKIPPED_BUSY, stop::reached);
        JimgException e = assertThrows(JimgException.class,
            () -> UrlLock.acquire(locks, URL, toldToWait, cancellation));
        assertEquals(JimgException.Reason.CANCELLED, e.reason());
        assertTrue(stop.wasReached());
      }
      try (Fd named = Fd.open(locks.resolve(names().get(0)), Linux.O_RDWR)) {
        assertFalse(named.tryLock(LockKind.EXCLUSIVE), "the first pull still holds its lock");
      }
    }
  }
}
