package io.jimg.btrfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A faithful copy of a directory tree, for where a snapshot cannot be made: reflinked data where the
 * filesystem can, holes kept, owners, modes, nanosecond times, all xattrs, hardlinks, devices and fifos.
 */
public final class TreeCopy {
  private TreeCopy() {}

  /** Directory levels that keep their descriptors open during a copy (two each); deeper ones are reopened. */
  static final int OPEN_LEVELS = 64;

  /**
   * Copies the directory {@code source} to a new directory {@code name} in {@code targetParent}.
   *
   * <p>Every entry keeps its type (regular file, directory, symlink, character and block device, fifo, socket),
   * owner, mode with setuid, setgid and sticky bits, access and modification times to the nanosecond, and every
   * xattr byte for byte (security.capability and ACLs included). Names that are hard links of one inode in the
   * source are hard links of one inode in the copy. Holes in sparse files stay holes. Data never passes through
   * Java: the whole file is reflinked (FICLONE) where the filesystem can, else the kernel copies it with
   * copy_file_range (which shares extents where it can) or sendfile. Symlinks are copied, never followed.
   *
   * <p>Never descends into a mount inside the source: a directory something is mounted on becomes an empty
   * directory with the owner, mode and times of the mounted root as statx shows them (the directory underneath
   * cannot be reached), and a file mounted over a file becomes an empty file likewise. Nested btrfs subvolumes
   * are copied as plain directories. Inode flags (chattr) are not copied. An xattr the target filesystem refuses
   * fails the copy rather than being dropped. Source files are read with O_NOATIME where allowed, so that the
   * copy leaves their access times alone. Any depth: the walk keeps its own stack, and at most
   * {@value #OPEN_LEVELS} directory levels hold descriptors (two each).
   *
   * <p>On failure nothing is left under {@code name} and the original error is thrown; if {@code name} already
   * exists, EEXIST is thrown and it is left alone.
   */
  public static void copy(Fd source, Fd targetParent, byte[] name, CopyProgress progress) throws NativeException {
    copy(source, targetParent, name, progress, OPEN_LEVELS);
  }

  /**
   * As {@link #copy(Fd, Fd, byte[], CopyProgress)}, asking {@code checkpoint} between entries and between the
   * blocks of a large file whether to go on; what it throws ends the copy, with nothing left under {@code name}.
   */
  public static <E extends Exception> void copy(Fd source, Fd targetParent, byte[] name, CopyProgress progress,
      CopyCheckpoint<E> checkpoint) throws NativeException, E {
    checkpoint.check();
    try {
      copy(source, targetParent, name, checkpoint.before(progress), OPEN_LEVELS);
    } catch (CopyCheckpoint.Stopped e) {
      throw e.<E>thrown();
    }
  }

  static void copy(Fd source, Fd targetParent, byte[] name, CopyProgress progress, int openLevels)
      throws NativeException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(targetParent, "targetParent");
    Objects.requireNonNull(progress, "progress");
    if (name.length == 0 || FileNames.isDotOrDotDot(name) || indexOf(name, (byte) '/') >= 0) {
      throw new IllegalArgumentException("not a single file name: " + FileNames.show(name));
    }
    Stat root = source.stat();
    if (!root.isDirectory()) {
      throw new NativeException("copy (not a directory)", source.path(), Linux.ENOTDIR);
    }
    targetParent.mkdir(name, 0700);
    try {
      new TreeCopier(progress, openLevels, umask()).copy(source, root, targetParent, name);
    } catch (NativeException | RuntimeException e) {
      try {
        Trees.remove(targetParent, name);
      } catch (NativeException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** The process umask as the kernel reports it (Linux 4.7 and later), or -1 where it does not. */
  static int umask() {
    try {
      // The process's own status, by a path nothing outside the kernel names.
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown: every entry gets its chmod
    }
    return -1;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
