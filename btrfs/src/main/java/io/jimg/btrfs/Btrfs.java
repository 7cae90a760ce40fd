package io.jimg.btrfs;

/** Tells btrfs and its subvolumes apart; btrfs ioctl numbers collide with other drivers', so ask this first. */
public final class Btrfs {
  private Btrfs() {}

  static final long MAGIC = 0x9123683EL;

  public static boolean isBtrfs(Fd fd) throws NativeException {
    return fd.filesystemType() == MAGIC;
  }

  /** Whether a directory is the root of a btrfs subvolume (inode 256 on btrfs). */
  public static boolean isSubvolume(Fd directory) throws NativeException {
    return directory.stat().isSubvolumeRoot() && isBtrfs(directory);
  }
}
