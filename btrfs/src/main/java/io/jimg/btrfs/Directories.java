package io.jimg.btrfs;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Opens the directories the store works in by path (pools, the lock and settings directories), making them where
 * asked, and refuses one that a user other than root could change, as systemd refuses unsafe paths: root would
 * otherwise create, lock, rename and remove in a directory whose names another user swaps under it. Such a
 * directory is root's and writable by root only, and every directory on the way to it (from /, through every
 * symlink, each of which must be root's too) is root's and writable by others only where it is sticky, as /tmp is.
 * The path is walked one component at a time with O_NOFOLLOW, each directory checked on the descriptor the walk
 * continues from, so that what is checked is what is opened. Here, below the store, so that the store's pools and
 * the service's socket directory are walked by the same rules.
 */
public final class Directories {
  private Directories() {}

  private static final Path ROOT = Path.of("/");
  private static final byte[] DOT = {'.'};
  private static final byte[] DOT_DOT = {'.', '.'};
  private static final int MAX_SYMLINKS = 40;
  private static final int S_ISVTX = 01000;

  /** Opens an existing directory; ENOENT (a NativeException) where it is missing. */
  public static Fd open(Path path) throws NativeException {
    return walk(path, false, 0, false);
  }

  /** Opens an existing directory, or null where there is none (missing, or not a directory). */
  public static Fd openIfExists(Path path) throws NativeException {
    try {
      return open(path);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT) || e.is(Linux.ENOTDIR)) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Opens {@code path}, creating it (and missing parents, mode 0755) where it is missing: with {@code mode}, and as
   * a subvolume where {@code subvolume} is set and its parent is on btrfs.
   */
  public static Fd ensure(Path path, int mode, boolean subvolume) throws NativeException {
    return walk(path, true, mode, subvolume);
  }

  private static Fd walk(Path path, boolean create, int mode, boolean subvolume) throws NativeException {
    Path absolute = path.toAbsolutePath();
    Deque<byte[]> pending = new ArrayDeque<>();
    push(pending, FileNames.bytes(absolute.toString()));
    Path reached = ROOT;
    Fd current = Fd.openDirectory(ROOT);
    try {
      requireSafe(current, reached, absolute, pending.isEmpty());
      int symlinks = 0;
      while (!pending.isEmpty()) {
        byte[] name = pending.pop();
        if (Arrays.equals(name, DOT)) {
          continue;
        }
        Fd next;
        if (Arrays.equals(name, DOT_DOT)) {
          next = current.openDirectory(DOT_DOT);
          reached = reached.getParent() == null ? ROOT : reached.getParent();
        } else {
          Stat stat = current.statIfExists(name);
          if (stat == null && create) {
            make(current, name, pending.isEmpty() ? mode : 0755, pending.isEmpty() && subvolume);
          } else if (stat != null && stat.isSymlink()) {
            if (stat.uid() != 0) {
              throw new UnsafeDirectory(absolute, reached.resolve(FileNames.show(name)),
                  "is a symbolic link owned by uid " + Integer.toUnsignedString(stat.uid()) + ", not by root");
            }
            if (++symlinks > MAX_SYMLINKS) {
              throw new NativeException("openat", absolute.toString(), Linux.ELOOP);
            }
            byte[] target = current.readlink(name);
            push(pending, target);
            if (target.length > 0 && target[0] == '/') {
              current.close();
              current = Fd.openDirectory(ROOT);
              reached = ROOT;
            }
            continue;
          }
          next = current.openDirectory(name);
          reached = reached.resolve(FileNames.show(name));
        }
        current.close();
        current = next;
        requireSafe(current, reached, absolute, pending.isEmpty());
      }
      return named(current, absolute);
    } finally {
      current.close();
    }
  }

  /** The directory walked to, opened again under the name it was asked for, so that messages name it so. */
  private static Fd named(Fd walked, Path asked) throws NativeException {
    Stat stat = walked.stat();
    Fd named = Fd.openDirectory(asked);
    Stat again = named.stat();
    if (again.inode() != stat.inode() || again.device() != stat.device()) {
      named.close();
      throw new NativeException("openat", asked.toString(), Linux.ESTALE); // only root could have moved it
    }
    return named;
  }

  /**
   * A directory is root's; the one asked for ({@code last}) is writable by root only, one on the way to it is
   * sticky where others may write in it.
   */
  private static void requireSafe(Fd directory, Path reached, Path asked, boolean last) throws NativeException {
    Stat stat = directory.stat();
    if (stat.uid() != 0) {
      throw new UnsafeDirectory(asked, reached, "is owned by uid " + Integer.toUnsignedString(stat.uid())
          + ", not by root");
    }
    if ((stat.mode() & 022) != 0 && (last || (stat.mode() & S_ISVTX) == 0)) {
      throw new UnsafeDirectory(asked, reached, "is writable by " + writers(stat) + (last ? "" : " and not sticky")
          + " (mode 0" + Integer.toOctalString(stat.permissions()) + ")");
    }
  }

  private static String writers(Stat stat) {
    boolean group = (stat.mode() & 020) != 0;
    boolean others = (stat.mode() & 002) != 0;
    return group && others ? "group and others" : group ? "group" : "others";
  }

  /** Puts the components of {@code path} in front of those pending, first first; empty ones are left out. */
  private static void push(Deque<byte[]> pending, byte[] path) {
    int end = path.length;
    for (int i = path.length - 1; i >= -1; i--) {
      if (i < 0 || path[i] == '/') {
        if (end > i + 1) {
          pending.push(Arrays.copyOfRange(path, i + 1, end));
        }
        end = i;
      }
    }
  }

  /** Makes a missing directory; one made meanwhile by someone else is taken as it is (and checked as any). */
  private static void make(Fd parent, byte[] name, int mode, boolean subvolume) throws NativeException {
    try {
      if (subvolume && Btrfs.isBtrfs(parent)) {
        Subvolume.create(parent, name);
      } else {
        parent.mkdir(name, mode);
      }
      try (Fd created = parent.openPath(name)) {
        created.chmod(mode); // the umask may have taken bits the caller asked for
      }
      parent.fsync();
    } catch (NativeException e) {
      if (!e.is(Linux.EEXIST)) {
        throw e;
      }
    }
  }
}
