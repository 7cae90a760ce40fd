package io.jimg.btrfs;

/**
 * Opens for reading without updating the access time of what is read, where the kernel allows: O_NOATIME needs the
 * file's ownership or CAP_FOWNER, and where it is refused (EPERM) the file is opened without it. A walk that only
 * reads (a copy, an export) then leaves the tree, and so a btrfs subvolume's generation, as it found them.
 */
public final class Untouched {
  private static final int DIRECTORY = Linux.O_RDONLY | Linux.O_DIRECTORY;

  private Untouched() {}

  /** {@code name} in {@code directory}, as {@link Fd#open(byte[], int)} opens it (never through a symlink). */
  public static Fd open(Fd directory, byte[] name, int flags) throws NativeException {
    try {
      return directory.open(name, flags | Linux.O_NOATIME, 0);
    } catch (NativeException e) {
      if (!e.is(Linux.EPERM)) {
        throw e;
      }
      return directory.open(name, flags, 0);
    }
  }

  /** A subdirectory, for reading and listing, as {@link Fd#openDirectory(byte[])} opens it. */
  public static Fd directory(Fd parent, byte[] name) throws NativeException {
    return open(parent, name, DIRECTORY);
  }

  /** A regular file only, as {@link RegularFiles#open(Fd, byte[], int)} opens it: nothing else is ever opened. */
  public static Fd regularFile(Fd directory, byte[] name, int flags) throws NativeException {
    try (Fd handle = directory.openPath(name)) {
      try {
        return Reopen.as(handle, Linux.S_IFREG, flags | Linux.O_NOATIME);
      } catch (NativeException e) {
        if (!e.is(Linux.EPERM)) {
          throw e;
        }
        return Reopen.as(handle, Linux.S_IFREG, flags);
      }
    }
  }
}
