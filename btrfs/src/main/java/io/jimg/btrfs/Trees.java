package io.jimg.btrfs;

import java.util.Objects;

/** Removing whole trees fd-relative: nested subvolumes, immutable directories and all. */
public final class Trees {
  private Trees() {}

  /** Directory levels that keep a descriptor open during a removal; deeper ones are reopened. */
  static final int OPEN_LEVELS = 64;

  /**
   * Removes {@code name} in {@code parent}, whatever it is, with everything below it. Symlinks are removed, never
   * followed. Immutable and append-only flags on the files and directories below are cleared where they stand in
   * the way (not on {@code parent}). On btrfs a subvolume anywhere in the tree goes by
   * {@link Subvolume#delete}. Never crosses into a mount: a directory something is mounted on fails the removal
   * with EBUSY naming it (a file mounted over a file, with the kernel's own EBUSY), and what was removed before it
   * stays removed. Any depth: the walk keeps its own stack, and at most {@value #OPEN_LEVELS} directories open.
   */
  public static void remove(Fd parent, byte[] name) throws NativeException {
    remove(parent, name, OPEN_LEVELS);
  }

  static void remove(Fd parent, byte[] name, int openLevels) throws NativeException {
    Objects.requireNonNull(parent, "parent");
    Stat stat = parent.stat(name);
    if (!stat.isDirectory()) {
      TreeRemover.removeName(parent, name, stat.isRegular() ? TreeRemover.Kind.REGULAR : TreeRemover.Kind.OTHER,
          false);
      return;
    }
    Stat parentStat = parent.stat();
    if (isMountPoint(stat, parentStat)) {
      throw TreeRemover.mounted(parent.pathOf(name));
    }
    if (isSubvolume(stat, parentStat, parent)) {
      Subvolume.delete(parent, name);
      return;
    }
    new TreeRemover(parent, openLevels).remove(name, stat);
  }

  static boolean isMountPoint(Stat directory, Stat parent) {
    if (directory.mountId() >= 0 && parent.mountId() >= 0) {
      return directory.mountId() != parent.mountId();
    }
    // statx reports mount ids from Linux 5.8; before, a device change that is no subvolume is the best sign.
    return directory.device() != parent.device() && !directory.isSubvolumeRoot();
  }

  /** A btrfs subvolume root: inode 256 on another (anonymous) device than its parent, on the same mount. */
  static boolean isSubvolume(Stat directory, Stat parent, Fd parentDirectory) throws NativeException {
    return directory.isSubvolumeRoot() && directory.device() != parent.device() && Btrfs.isBtrfs(parentDirectory);
  }
}
