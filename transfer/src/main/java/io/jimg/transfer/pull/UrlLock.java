package io.jimg.transfer.pull;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.RegularFiles;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One pull per URL at a time across processes: an OFD write lock on {@code <directory>/pull-<sha256 of url>}.
 * The second pull waits, then finds the first one's cache entry and reuses it. Lock files are never unlinked, so
 * that two waiters cannot end up holding locks on two different files.
 */
final class UrlLock implements AutoCloseable {
  private final Fd file;

  private UrlLock(Fd file) {
    this.file = file;
  }

  static UrlLock acquire(Path directory, String url, StoreListener listener) throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    try (Fd parent = Fd.openDirectory(directory)) {
      // A regular file only: a device node or fifo planted under the name is refused, never opened.
      Fd file = RegularFiles.openOrCreate(parent, FileNames.bytes("pull-" + CacheNames.sha256(url).substring(0, 32)),
          Linux.O_RDWR, 0600);
      try {
        if (!file.tryLock(LockKind.EXCLUSIVE)) {
          listener.event(new StoreEvent(StoreEvent.Kind.SKIPPED_BUSY, null,
              "waiting for another pull of " + url + " to finish"));
          file.lock(LockKind.EXCLUSIVE);
        }
        return new UrlLock(file);
      } catch (IOException | RuntimeException e) {
        file.close();
        throw e;
      }
    }
  }

  @Override
  public void close() {
    file.close();
  }
}
