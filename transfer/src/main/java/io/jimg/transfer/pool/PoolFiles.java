package io.jimg.transfer.pool;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.ReplacementFile;
import io.jimg.btrfs.WrongFileType;
import java.time.Instant;

/**
 * The files jimg keeps in a pool beside the images: a download, its ETag, a pull cache entry's record, what a push
 * learnt about an image's layer. Whoever can
 * plant a name in a pool (an earlier hostile archive, an image's contents, the owner of a pool jimg was pointed
 * at) must not steer root's reads and writes elsewhere, so every one is reached by name relative to the pool's
 * descriptor and never through a symlink, opened only where it is a regular file (so neither a device nor a fifo),
 * and written whole, then renamed over its name.
 */
public final class PoolFiles {
  /** Temporaries are named as the store's sweep of abandoned jimg temporaries recognises them. */
  private static final byte[] TEMPORARY = FileNames.bytes(".#jimg-new-");

  private PoolFiles() {}

  /** A small file's bytes and when it last changed. */
  public record Contents(byte[] bytes, Instant modified) {}

  /** A regular file's contents; null where it is absent, not a regular file, or longer than {@code max}. */
  public static Contents read(Fd pool, String name, int max) throws NativeException {
    try (Fd file = RegularFiles.open(pool, FileNames.bytes(name), Linux.O_RDONLY | Linux.O_NOCTTY)) {
      return new Contents(RegularFiles.read(file, max), file.stat().modified());
    } catch (WrongFileType e) {
      return null;
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT) || e.is(Linux.EFBIG)) {
        return null;
      }
      throw e;
    }
  }

  /** Replaces {@code name} (whatever holds it: the name, never what a symlink there points to) by a new file. */
  public static void replace(Fd pool, String name, byte[] content, Instant modified) throws NativeException {
    try (ReplacementFile file = ReplacementFile.create(pool, FileNames.bytes(name), TEMPORARY, 0600)) {
      file.fd().pwriteFully(content, content.length, 0);
      if (modified != null) {
        file.fd().setTimes(modified, modified);
      }
      file.fd().fsync();
      file.replace();
    }
  }

  public static void removeIfThere(Fd pool, String name) throws NativeException {
    try {
      pool.unlink(FileNames.bytes(name));
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT)) {
        throw e;
      }
    }
  }
}
