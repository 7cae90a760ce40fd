package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Reopen;
import io.jimg.btrfs.Stat;
import java.nio.file.Path;

/**
 * An image as found in a pool: the name it is known by, the file name it has there ({@code NAME} or
 * {@code NAME.raw}), and the stat of what it is (of a symlink's target, where the entry is a link).
 */
record Entry(String name, ImageType type, Path pool, byte[] fileName, boolean symlink, boolean vendor, Stat stat) {
  Path path() {
    return pool.resolve(FileNames.show(fileName));
  }

  /**
   * Opens the image itself, through a top-level symlink as systemd does: a tree as its root directory, a raw file
   * or block device with {@code flags}, and only while it is still of its type, checked before the open that
   * acts (see {@link Reopen}): a link retargeted since discovery cannot make root open a character device.
   */
  Fd open(int flags) throws NativeException {
    if (isTree()) {
      return Fd.openDirectory(path());
    }
    try (Fd handle = Fd.open(path(), Linux.O_PATH)) {
      return Reopen.as(handle, type == ImageType.BLOCK ? Linux.S_IFBLK : Linux.S_IFREG, flags);
    }
  }

  /** Whether both were found as the same inode under the same file name of the same pool. */
  boolean isSameImage(Entry other) {
    return pool.equals(other.pool) && java.util.Arrays.equals(fileName, other.fileName) && type == other.type
        && stat.device() == other.stat.device() && stat.inode() == other.stat.inode();
  }

  boolean hidden() {
    return ImageNames.isHidden(name);
  }

  boolean isTree() {
    return type == ImageType.DIRECTORY || type == ImageType.SUBVOLUME;
  }
}
