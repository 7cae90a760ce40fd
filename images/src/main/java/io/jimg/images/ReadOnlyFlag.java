package io.jimg.images;

import io.jimg.btrfs.BlockDevices;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileFlags;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Subvolume;

/**
 * Read-only the way systemd marks it per type: the btrfs read-only flag of a subvolume, the immutable flag of a
 * directory, the write bits of a raw file (0644 becomes 0444; writable again restores only 0200), BLKROSET
 * for a block device.
 */
final class ReadOnlyFlag {
  private ReadOnlyFlag() {}

  static boolean get(Entry entry) throws NativeException {
    switch (entry.type()) {
      case SUBVOLUME:
        try (Fd root = open(entry)) {
          return Subvolume.isReadOnly(root);
        }
      case DIRECTORY:
        try (Fd root = open(entry)) {
          return (FileFlags.get(root) & FileFlags.IMMUTABLE) != 0;
        } catch (NativeException e) {
          if (e.is(Linux.ENOTTY) || e.is(Linux.EOPNOTSUPP)) {
            return false; // a filesystem without inode flags
          }
          throw e;
        }
      case RAW:
        return (entry.stat().mode() & 0222) == 0;
      case BLOCK:
        try (Fd device = entry.open(Linux.O_RDONLY | Linux.O_NONBLOCK | Linux.O_NOCTTY)) {
          return BlockDevices.isReadOnly(device);
        }
      default:
        throw new IllegalStateException("unknown type " + entry.type());
    }
  }

  static void set(Entry entry, boolean readOnly) throws NativeException {
    switch (entry.type()) {
      case SUBVOLUME:
        try (Fd root = open(entry)) {
          Subvolume.setReadOnly(root, readOnly);
        }
        break;
      case DIRECTORY:
        try (Fd root = open(entry)) {
          FileFlags.change(root, FileFlags.IMMUTABLE, readOnly);
        }
        break;
      case RAW:
        try (Fd file = entry.open(Linux.O_RDONLY | Linux.O_NOCTTY)) {
          int mode = file.stat().permissions();
          file.chmod(readOnly ? mode & ~0222 : mode | 0200);
        }
        break;
      case BLOCK:
        try (Fd device = entry.open(Linux.O_RDONLY | Linux.O_NONBLOCK | Linux.O_NOCTTY)) {
          BlockDevices.setReadOnly(device, readOnly);
        }
        break;
      default:
        throw new IllegalStateException("unknown type " + entry.type());
    }
  }

  /** The image's root directory; a top-level symlink is followed, as the image is acted on through it. */
  static Fd open(Entry entry) throws NativeException {
    return Fd.openDirectory(entry.path());
  }
}
