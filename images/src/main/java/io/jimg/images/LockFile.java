package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;

/**
 * One OFD lock on a lock file, taken as systemd's make_lock_file takes it: create, lock, and make sure the name
 * still points at the locked file (an exclusive holder unlinks its file on release, as systemd does).
 */
final class LockFile implements AutoCloseable {
  private final Fd directory;
  private final byte[] name;
  private final Fd file;
  private final LockKind kind;

  private LockFile(Fd directory, byte[] name, Fd file, LockKind kind) {
    this.directory = directory;
    this.name = name;
    this.file = file;
    this.kind = kind;
  }

  /** The lock, or null where someone else holds a conflicting one. Takes over {@code directory}. */
  static LockFile tryTake(Fd directory, byte[] name, LockKind kind) throws NativeException {
    return take(directory, name, kind, false);
  }

  /** The lock, waited for while someone else holds a conflicting one. Takes over {@code directory}. */
  static LockFile awaitTake(Fd directory, byte[] name, LockKind kind) throws NativeException {
    return take(directory, name, kind, true);
  }

  private static LockFile take(Fd directory, byte[] name, LockKind kind, boolean wait) throws NativeException {
    try {
      while (true) {
        Fd file = RegularFiles.openOrCreate(directory, name, Linux.O_RDWR | Linux.O_NOCTTY, 0600);
        try {
          if (wait) {
            file.lock(kind);
          } else if (!file.tryLock(kind)) {
            file.close();
            directory.close();
            return null;
          }
          if (Work.isLinkedAs(directory, name, file)) {
            return new LockFile(directory, name, file, kind);
          }
        } catch (NativeException | RuntimeException e) {
          file.close();
          throw e;
        }
        file.close();
      }
    } catch (NativeException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  String path() {
    return directory.pathOf(name);
  }

  /** Unlinks the file where no one else holds it, then lets go. */
  @Override
  public void close() {
    try {
      if (kind == LockKind.EXCLUSIVE || file.tryLock(LockKind.EXCLUSIVE)) {
        directory.unlink(name);
      }
    } catch (NativeException e) {
      // Someone else unlinked it already; the lock still goes with the descriptor.
    } finally {
      file.close();
      directory.close();
    }
  }
}
