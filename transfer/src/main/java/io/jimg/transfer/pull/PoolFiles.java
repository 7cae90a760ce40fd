package io.jimg.transfer.pull;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.ReplacementFile;
import io.jimg.btrfs.Stat;
import io.jimg.images.JimgException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * The files a pull keeps in the pool beside the images: a download, its ETag, a cache entry's record. Whoever can
 * plant a name in a pool (an earlier hostile archive, an image's contents, the owner of a pool jimg was pointed
 * at) must not steer root's reads and writes elsewhere, so every one is reached by name relative to the pool's
 * descriptor and never through a symlink, opened only where it is a regular file (so neither a device nor a fifo),
 * and written whole, then renamed over its name.
 */
final class PoolFiles {
  /** Temporaries are named as the store's sweep of abandoned jimg temporaries recognises them. */
  private static final byte[] TEMPORARY = FileNames.bytes(".#jimg-new-");

  private PoolFiles() {}

  /** A small file's bytes and when it last changed. */
  record Contents(byte[] bytes, Instant modified) {}

  /** A regular file's contents; null where it is absent, not a regular file, or longer than {@code max}. */
  static Contents read(Fd pool, String name, int max) throws NativeException {
    try (Fd handle = handle(pool, FileNames.bytes(name))) {
      if (handle == null) {
        return null;
      }
      Stat stat = handle.stat();
      if (!stat.isRegular()) {
        return null;
      }
      try (Fd file = reopen(handle, Linux.O_RDONLY)) {
        byte[] buffer = new byte[max + 1];
        int length = 0;
        for (int n; length < buffer.length && (n = file.pread(buffer, length, buffer.length - length, length)) > 0; ) {
          length += n;
        }
        return length > max ? null : new Contents(Arrays.copyOf(buffer, length), stat.modified());
      }
    }
  }

  /**
   * Opens {@code name} with {@code flags} where it is a regular file; null where it is absent. Anything else
   * under the name is refused, never opened: opening a device or a fifo can act, or block.
   */
  static Fd openRegular(Fd pool, byte[] name, int flags) throws NativeException, JimgException {
    try (Fd handle = handle(pool, name)) {
      if (handle == null) {
        return null;
      }
      if (!handle.stat().isRegular()) {
        throw new JimgException(JimgException.Reason.FAILED, pool.pathOf(name)
            + " is not a regular file: jimg never made it, remove it");
      }
      return reopen(handle, flags);
    }
  }

  /** Replaces {@code name} (whatever holds it: the name, never what a symlink there points to) by a new file. */
  static void replace(Fd pool, String name, byte[] content, Instant modified) throws NativeException {
    try (ReplacementFile file = ReplacementFile.create(pool, FileNames.bytes(name), TEMPORARY, 0600)) {
      file.fd().pwriteFully(content, content.length, 0);
      if (modified != null) {
        file.fd().setTimes(modified, modified);
      }
      file.fd().fsync();
      file.replace();
    }
  }

  static void removeIfThere(Fd pool, String name) throws NativeException {
    try {
      pool.unlink(FileNames.bytes(name));
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT)) {
        throw e;
      }
    }
  }

  /** An O_PATH handle on the name itself (a symlink stays one), or null where there is none. */
  private static Fd handle(Fd pool, byte[] name) throws NativeException {
    try {
      return pool.openPath(name);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return null;
      }
      throw e;
    }
  }

  /** Opens the very inode a handle holds, through its /proc link: no name is looked up again. */
  private static Fd reopen(Fd handle, int flags) throws NativeException {
    return Fd.open(Path.of("/proc/self/fd/" + handle.fd()), flags | Linux.O_NOCTTY);
  }
}
