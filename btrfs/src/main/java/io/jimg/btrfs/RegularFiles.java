package io.jimg.btrfs;

import java.io.ByteArrayOutputStream;

/**
 * Opens and reads the regular files jimg finds in trees others fill (os-release in an image, a lock file or an
 * intent record in a pool, a settings file): as regular files only, through {@link Reopen}, so that a device node
 * or fifo planted under such a name is never opened, and never beyond a size bound.
 */
public final class RegularFiles {
  private RegularFiles() {}

  /** Attempts at creating a lock file that someone else keeps removing between our create and our open. */
  private static final int CREATE_ATTEMPTS = 32;

  /** Opens the regular file {@code name} in {@code directory} (a symlink there is refused, not followed). */
  public static Fd open(Fd directory, byte[] name, int flags) throws NativeException {
    try (Fd handle = directory.openPath(name)) {
      return Reopen.as(handle, Linux.S_IFREG, flags);
    }
  }

  /**
   * Opens the regular file at {@code path} inside the tree {@code root}: symlinks are followed as if {@code root}
   * were the root directory, so that none leads out of it (etc/os-release -> ../usr/lib/os-release still works).
   */
  public static Fd openInRoot(Fd root, String path, int flags) throws NativeException {
    try (Fd handle = root.resolve(path, Linux.O_PATH, Linux.RESOLVE_IN_ROOT)) {
      return Reopen.as(handle, Linux.S_IFREG, flags);
    }
  }

  /** Opens {@code name} as {@link #open(Fd, byte[], int)} does, creating it (with {@code mode}) where it is missing. */
  public static Fd openOrCreate(Fd directory, byte[] name, int flags, int mode) throws NativeException {
    NativeException vanished = null;
    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      try {
        return directory.open(name, flags | Linux.O_CREAT | Linux.O_EXCL, mode);
      } catch (NativeException e) {
        if (!e.is(Linux.EEXIST)) {
          throw e;
        }
      }
      try {
        return open(directory, name, flags);
      } catch (NativeException e) {
        if (!e.is(Linux.ENOENT)) {
          throw e;
        }
        vanished = e; // removed between the two opens: create it again
      }
    }
    throw vanished;
  }

  /** The content of the regular file {@code name} in {@code directory}; EFBIG where it has over {@code limit} bytes. */
  public static byte[] read(Fd directory, byte[] name, int limit) throws NativeException {
    try (Fd file = open(directory, name, Linux.O_RDONLY)) {
      return read(file, limit);
    }
  }

  /** The whole content of the regular file at {@code path} inside {@code root}, as {@link #openInRoot} finds it. */
  public static byte[] readInRoot(Fd root, String path, int limit) throws NativeException {
    try (Fd file = openInRoot(root, path, Linux.O_RDONLY)) {
      return read(file, limit);
    }
  }

  /** Reads an open file from its start to its end; EFBIG where it has over {@code limit} bytes. */
  public static byte[] read(Fd file, int limit) throws NativeException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long offset = 0;
    while (offset <= limit) {
      int n = file.pread(buffer, (int) Math.min(buffer.length, limit + 1L - offset), offset);
      if (n <= 0) {
        return out.toByteArray();
      }
      out.write(buffer, 0, n);
      offset += n;
    }
    throw new NativeException("read", file.path(), Linux.EFBIG);
  }
}
