package io.jimg.btrfs;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A new file that takes its name only once it is whole: written with no name at all (O_TMPFILE) where the file
 * system allows it, else under a fresh random name made with O_EXCL, then linked to its name or renamed over it.
 * Every step is relative to the directory's descriptor and none follows a symlink: renaming over a name replaces
 * the name itself, whatever holds it (a symlink someone planted included), never a file it points to. Closing one
 * that was not put in place removes the temporary name it made, and no other.
 */
public final class ReplacementFile implements AutoCloseable {
  /** Fresh random names tried before giving up: a clash is a one in 2^64 chance, or someone guessing on purpose. */
  private static final int ATTEMPTS = 100;
  private static final byte[] DOT = {'.'};

  private final Fd directory;
  private final byte[] name;
  private final byte[] temporaryPrefix;
  private final Fd file;
  /** The name the file has while it is not in place, or null while it has none. */
  private byte[] temporary;
  private boolean placed;

  private ReplacementFile(Fd directory, byte[] name, byte[] temporaryPrefix, Fd file, byte[] temporary) {
    this.directory = directory;
    this.name = name.clone();
    this.temporaryPrefix = temporaryPrefix.clone();
    this.file = file;
    this.temporary = temporary;
  }

  /**
   * A new empty file, open for reading and writing, that will take {@code name} in {@code directory}. {@code mode}
   * is the creation mode (less the umask). A temporary name, where one is needed, is {@code temporaryPrefix}
   * followed by 16 random hex digits: the caller chooses one its sweeps recognise.
   */
  public static ReplacementFile create(Fd directory, byte[] name, byte[] temporaryPrefix, int mode)
      throws NativeException {
    Fd file;
    try {
      file = directory.open(DOT, Linux.O_TMPFILE | Linux.O_RDWR, mode);
    } catch (NativeException e) {
      if (!e.is(Linux.EOPNOTSUPP) && !e.is(Linux.EISDIR) && !e.is(Linux.EINVAL)) {
        throw e;
      }
      return named(directory, name, temporaryPrefix, mode);
    }
    return new ReplacementFile(directory, name, temporaryPrefix, file, null);
  }

  /** Where O_TMPFILE is missing: the file is made under a fresh random name (package-private for the tests). */
  static ReplacementFile named(Fd directory, byte[] name, byte[] temporaryPrefix, int mode) throws NativeException {
    for (int attempt = 1; ; attempt++) {
      byte[] temporary = freshName(temporaryPrefix);
      try {
        Fd file = directory.open(temporary, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL | Linux.O_NOCTTY, mode);
        return new ReplacementFile(directory, name, temporaryPrefix, file, temporary);
      } catch (NativeException e) {
        if (!e.is(Linux.EEXIST) || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** The open file, to write, chmod, chown and flush before it is put in place. */
  public Fd fd() {
    return file;
  }

  /**
   * Puts the file in place of its name, replacing what holds the name now, if anything: the name, not what a
   * symlink there points to. Fails (EISDIR) where a directory holds it.
   */
  public void replace() throws NativeException {
    if (temporary == null) {
      temporary = linkUnderFreshName();
    }
    directory.rename(temporary, directory, name, 0);
    placed = true;
  }

  /** Gives the file its name only where the name is free; EEXIST, changing nothing, where it is taken. */
  public void publish() throws NativeException {
    if (temporary == null) {
      link(name);
    } else {
      directory.rename(temporary, directory, name, Linux.RENAME_NOREPLACE);
    }
    placed = true;
  }

  /** Closes the file; removes the temporary name this made where the file was not put in place. */
  @Override
  public void close() {
    file.close();
    if (!placed && temporary != null) {
      try {
        directory.unlink(temporary);
      } catch (NativeException e) {
        // Gone already, or the directory refuses: nothing of the file's is left to undo.
      }
    }
  }

  private byte[] linkUnderFreshName() throws NativeException {
    for (int attempt = 1; ; attempt++) {
      byte[] fresh = freshName(temporaryPrefix);
      try {
        link(fresh);
        return fresh;
      } catch (NativeException e) {
        if (!e.is(Linux.EEXIST) || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Links the unnamed file through its /proc link, which resolves to exactly the open inode: unlike linkat with
   * AT_EMPTY_PATH, that needs no CAP_DAC_READ_SEARCH.
   */
  private void link(byte[] target) throws NativeException {
    byte[] proc = FileNames.bytes("/proc/self/fd/" + file.fd());
    NativeException.check(Native.libc().linkat(Linux.AT_FDCWD, Native.cString(proc), directory.fd(),
        Native.cString(target), Linux.AT_SYMLINK_FOLLOW), "linkat", directory, target);
  }

  private static byte[] freshName(byte[] prefix) {
    byte[] suffix = FileNames.bytes(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    byte[] name = Arrays.copyOf(prefix, prefix.length + suffix.length);
    System.arraycopy(suffix, 0, name, prefix.length, suffix.length);
    return name;
  }
}
