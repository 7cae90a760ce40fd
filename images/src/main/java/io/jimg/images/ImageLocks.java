package io.jimg.images;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lock files systemd-nspawn and machinectl take for an image, taken with the same OFD lock kind, so that a
 * running container keeps jimg off its image and jimg's changes keep nspawn off: {@code inode-DEV:INO} (or
 * {@code block-MAJ:MIN}) in /run/systemd/nspawn/locks, {@code .#FILE.lck} beside the image and, for the
 * operations machinectl names, {@code name-NAME}.
 */
final class ImageLocks {
  /**
   * How often an inode lock found taken is tried again, the pauses doubling from 1 ms (255 ms in all). btrfs gives
   * every subvolume inode 256 and hands a removed subvolume's device number to the next one made at once, so a new
   * image can share its inode lock's name with one whose removal is just letting go of it: 64 clients cloning and
   * removing through the service met that. Such a holder lets go within milliseconds; a running container never.
   */
  static final int INODE_LOCK_TRIES = 8;

  /** Waits before the next try of a lock; a test's pause can let go of the lock instead. */
  @FunctionalInterface
  interface Pause {
    void pause(int attempt) throws InterruptedException;
  }

  private final Path lockDirectory;
  private final Pause pause;

  ImageLocks(Path lockDirectory) {
    this(lockDirectory, attempt -> Thread.sleep(1L << attempt));
  }

  ImageLocks(Path lockDirectory, Pause pause) {
    this.lockDirectory = lockDirectory;
    this.pause = pause;
  }

  /** Locks held together; closing lets all of them go. */
  static final class Held implements AutoCloseable {
    private final List<LockFile> files = new ArrayList<>();

    void add(Held other) {
      files.addAll(other.files);
      other.files.clear();
    }

    boolean holds(String path) {
      return files.stream().anyMatch(f -> f.path().equals(path));
    }

    /** Lets go of the locks taken after the first {@code count}. */
    void closeFrom(int count) {
      while (files.size() > count) {
        files.remove(files.size() - 1).close();
      }
    }

    @Override
    public void close() {
      closeFrom(0);
    }
  }

  /** An image found by name with its locks held (null where the caller goes on without them); closing lets them go. */
  record Locked(Entry entry, Held held) implements AutoCloseable {
    @Override
    public void close() {
      if (held != null) {
        held.close();
      }
    }
  }

  /** How often a name may change hands between finding it and locking it before the caller is told BUSY. */
  static final int LOOKUPS = 8;

  /**
   * Finds image {@code name} and takes its locks ({@link #image}), then checks the name still holds the very image
   * that was locked: another thread or process may have renamed, removed or replaced it between the finding and
   * the locking, and the locks of an image the name no longer holds protect nothing. Where it changed hands the
   * locks go and the name is looked up again; NOT_FOUND once it is gone.
   */
  Locked byName(Discovery discovery, String name, LockKind kind, String doing) throws JimgException {
    for (int lookup = 1; ; lookup++) {
      Locked locked = lockIfStillNamed(discovery, discovery.require(name), kind, doing);
      if (locked != null) {
        return locked;
      }
      if (lookup == LOOKUPS) {
        throw new JimgException(JimgException.Reason.BUSY, "cannot " + doing + " " + ImageNames.show(name)
            + ": the name kept changing hands while it was being locked");
      }
    }
  }

  /** The locks of {@code found}, or null, holding none, where its name no longer holds it once they are taken. */
  Locked lockIfStillNamed(Discovery discovery, Entry found, LockKind kind, String doing) throws JimgException {
    Held held = image(found, kind, doing);
    try {
      Entry now = discovery.find(found.name());
      if (now != null && now.isSameImage(found)) {
        return new Locked(found, held);
      }
    } catch (JimgException | RuntimeException e) {
      held.close();
      throw e;
    }
    held.close();
    return null;
  }

  /** Takes the locks nspawn takes on an existing image, and {@code name-NAME}; BUSY where any is held. */
  Held image(Entry entry, LockKind kind, String doing) throws JimgException {
    return image(entry, kind, doing, new Held());
  }

  /** As {@link #image(Entry, LockKind, String)}, adding to locks already held (which are not taken twice). */
  Held image(Entry entry, LockKind kind, String doing, Held alreadyHeld) throws JimgException {
    Held held = alreadyHeld;
    int before = held.files.size();
    try {
      String inodeLock = entry.type() == ImageType.BLOCK
          ? "block-" + entry.stat().rdevMajor() + ":" + entry.stat().rdevMinor()
          : "inode-" + Long.toUnsignedString(entry.stat().device()) + ":" + Long.toUnsignedString(entry.stat().inode());
      takeInodeLock(held, FileNames.bytes(inodeLock), kind, entry, doing);
      take(held, Directories.open(entry.pool()), lockName(entry.fileName()), kind, entry, doing);
      if (kind == LockKind.EXCLUSIVE) {
        take(held, openLockDirectory(), FileNames.bytes("name-" + entry.name()), kind, entry, doing);
      }
      return held;
    } catch (NativeException e) {
      held.closeFrom(before);
      throw Failures.of("cannot lock image " + ImageNames.show(entry.name()), e);
    } catch (JimgException | RuntimeException e) {
      held.closeFrom(before);
      throw e;
    }
  }

  /** Takes the locks for a name an image is about to get in {@code pool}. */
  Held newName(Path pool, String name, byte[] fileName) throws JimgException {
    Held held = new Held();
    try {
      takeForName(held, openLockDirectory(), FileNames.bytes("name-" + name), name);
      takeForName(held, Directories.open(pool), lockName(fileName), name);
      return held;
    } catch (NativeException e) {
      held.close();
      throw Failures.of("cannot lock the name " + ImageNames.show(name), e);
    } catch (JimgException | RuntimeException e) {
      held.close();
      throw e;
    }
  }

  /** Takes the inode lock, trying again where it is taken ({@link #INODE_LOCK_TRIES}). */
  private void takeInodeLock(Held held, byte[] name, LockKind kind, Entry entry, String doing)
      throws NativeException, JimgException {
    for (int attempt = 0; ; attempt++) {
      try {
        take(held, openLockDirectory(), name, kind, entry, doing);
        return;
      } catch (JimgException e) {
        if (e.reason() != JimgException.Reason.BUSY || attempt == INODE_LOCK_TRIES - 1) {
          throw e;
        }
      }
      try {
        pause.pause(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JimgException(JimgException.Reason.CANCELLED, "cannot " + doing + " "
            + ImageNames.show(entry.name()) + ": interrupted while waiting for its lock");
      }
    }
  }

  private static void take(Held held, Fd directory, byte[] name, LockKind kind, Entry entry, String doing)
      throws NativeException, JimgException {
    if (held.holds(directory.pathOf(name))) {
      directory.close();
      return;
    }
    LockFile file;
    try {
      file = LockFile.tryTake(directory, name, kind);
    } catch (NativeException e) {
      if (kind == LockKind.SHARED && e.is(Linux.EROFS)) {
        return; // as systemd does: nothing on a read-only filesystem can change the image under a reader
      }
      throw e;
    }
    if (file == null) {
      throw new JimgException(JimgException.Reason.BUSY, "cannot " + doing + " " + ImageNames.show(entry.name())
          + ": image " + entry.path() + " is in use (" + FileNames.show(name)
          + " is locked by a running container or another operation)");
    }
    held.files.add(file);
  }

  private static void takeForName(Held held, Fd directory, byte[] name, String image)
      throws NativeException, JimgException {
    LockFile file = LockFile.tryTake(directory, name, LockKind.EXCLUSIVE);
    if (file == null) {
      throw new JimgException(JimgException.Reason.BUSY, "the name " + ImageNames.show(image)
          + " is being used by another operation (" + FileNames.show(name) + " is locked)");
    }
    held.files.add(file);
  }

  static byte[] lockName(byte[] fileName) {
    byte[] name = new byte[fileName.length + 6];
    name[0] = '.';
    name[1] = '#';
    System.arraycopy(fileName, 0, name, 2, fileName.length);
    System.arraycopy(FileNames.bytes(".lck"), 0, name, 2 + fileName.length, 4);
    return name;
  }

  private Fd openLockDirectory() throws NativeException {
    // /run/systemd/nspawn as systemd makes it (0755), its locks directory private (0700).
    return Directories.ensure(lockDirectory, 0700, false);
  }
}
