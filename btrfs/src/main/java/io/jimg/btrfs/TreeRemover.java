package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.O_DIRECTORY;
import static io.jimg.btrfs.Linux.O_NOCTTY;
import static io.jimg.btrfs.Linux.O_NONBLOCK;
import static io.jimg.btrfs.Linux.O_RDONLY;

import java.util.List;

/**
 * One run of {@link Trees#remove} on a directory: depth-first with an explicit stack, unlinking names as
 * getdents64 lists them (a statx only for directories), removing each directory once it is empty.
 */
final class TreeRemover {
  enum Kind { REGULAR, DIRECTORY, OTHER }

  private final Fd parent;
  private final DirectoryStack<Level> stack;
  private long rootMount;
  private Boolean btrfs;

  TreeRemover(Fd parent, int openLevels) {
    this.parent = parent;
    this.stack = new DirectoryStack<>(openLevels);
  }

  void remove(byte[] name, Stat stat) throws NativeException {
    rootMount = stat.mountId();
    try {
      Level top = new Level(name, stat);
      top.directory = parent.openDirectory(name);
      top.entries = top.directory.list();
      stack.push(top);
      while (!stack.isEmpty()) {
        Level level = stack.top();
        if (level.next < level.entries.size()) {
          DirEntry entry = level.entries.get(level.next++);
          removeEntry(level, entry);
        } else {
          stack.pop();
          boolean wasTop = stack.isEmpty();
          removeName(wasTop ? parent : stack.top().directory, level.name, Kind.DIRECTORY, !wasTop);
        }
      }
    } finally {
      stack.closeAll();
    }
  }

  private void removeEntry(Level level, DirEntry entry) throws NativeException {
    byte[] name = entry.name();
    if (entry.type() != DirEntry.DT_DIR && entry.type() != DirEntry.DT_UNKNOWN) {
      try {
        removeName(level.directory, name, entry.type() == DirEntry.DT_REG ? Kind.REGULAR : Kind.OTHER, true);
        return;
      } catch (NativeException e) {
        if (!e.is(Linux.EISDIR)) {
          throw e;
        }
        // the listing's type was stale: look again
      }
    }
    Stat stat = level.directory.stat(name);
    if (!stat.isDirectory()) {
      removeName(level.directory, name, stat.isRegular() ? Kind.REGULAR : Kind.OTHER, true);
      return;
    }
    if (rootMount >= 0 ? stat.mountId() != rootMount : Trees.isMountPoint(stat, level.stat)) {
      throw mounted(level.directory.pathOf(name));
    }
    if (stat.isSubvolumeRoot() && stat.device() != level.stat.device() && isBtrfs(level.directory)) {
      deleteSubvolume(level.directory, name);
      return;
    }
    Level child = new Level(name, stat);
    try {
      child.directory = level.directory.openDirectory(name);
      child.entries = child.directory.list();
    } catch (NativeException | RuntimeException e) {
      child.close();
      throw e;
    }
    stack.push(child);
  }

  /** Deleting a subvolume changes the directory holding it, which an immutable flag there forbids. */
  private static void deleteSubvolume(Fd directory, byte[] name) throws NativeException {
    try {
      Subvolume.delete(directory, name);
    } catch (NativeException e) {
      if (!e.is(Linux.EPERM) || !clearFlags(directory)) {
        throw e;
      }
      Subvolume.delete(directory, name);
    }
  }

  private boolean isBtrfs(Fd directory) throws NativeException {
    if (btrfs == null) {
      btrfs = Btrfs.isBtrfs(directory);
    }
    return btrfs;
  }

  static NativeException mounted(String path) {
    return new NativeException("remove (a filesystem is mounted here)", path, Linux.EBUSY);
  }

  /**
   * Unlinks or rmdirs a name; where that fails with EPERM, clears the immutable and append-only flags that cause
   * it (on the name itself and, if {@code clearContainer}, on the directory holding it) and tries once more.
   */
  static void removeName(Fd directory, byte[] name, Kind kind, boolean clearContainer) throws NativeException {
    try {
      unlink(directory, name, kind);
    } catch (NativeException e) {
      if (!e.is(Linux.EPERM)) {
        throw e;
      }
      boolean cleared = clearContainer && clearFlags(directory);
      if (kind != Kind.OTHER) {
        // Only files and directories are opened: opening a device or fifo could have effects of its own.
        int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | (kind == Kind.DIRECTORY ? O_DIRECTORY : 0);
        try (Fd file = directory.open(name, flags)) {
          cleared |= clearFlags(file);
        }
      }
      if (!cleared) {
        throw e;
      }
      unlink(directory, name, kind);
    }
  }

  private static void unlink(Fd directory, byte[] name, Kind kind) throws NativeException {
    if (kind == Kind.DIRECTORY) {
      directory.rmdir(name);
    } else {
      directory.unlink(name);
    }
  }

  private static boolean clearFlags(Fd file) throws NativeException {
    try {
      return FileFlags.change(file, FileFlags.IMMUTABLE | FileFlags.APPEND_ONLY, false);
    } catch (NativeException e) {
      if (e.is(Linux.ENOTTY) || e.is(Linux.EOPNOTSUPP) || e.is(Linux.EINVAL) || e.is(Linux.ENOSYS)) {
        return false; // a filesystem without inode flags has none to clear
      }
      throw e;
    }
  }

  /** A directory being emptied. */
  static final class Level extends DirectoryStack.Level<Level> {
    final Stat stat;
    Fd directory;
    List<DirEntry> entries;
    int next;
    private String path;

    Level(byte[] name, Stat stat) {
      super(name);
      this.stat = stat;
    }

    @Override
    boolean isOpen() {
      return directory != null;
    }

    @Override
    void suspend() {
      path = directory.path();
      close();
    }

    @Override
    void reopenFrom(Level child) throws NativeException {
      Fd reopened = Fd.adopt(child.directory.openDirectory(DOT_DOT).fd(), path);
      try {
        Stat now = reopened.stat();
        if (now.inode() != stat.inode() || now.device() != stat.device()) {
          throw new NativeException("openat .. (directory moved during removal)", path, Linux.ESTALE);
        }
      } catch (NativeException | RuntimeException e) {
        reopened.close();
        throw e;
      }
      directory = reopened;
    }

    @Override
    void close() {
      if (directory != null) {
        directory.close();
        directory = null;
      }
    }
  }
}
