package io.jimg.btrfs;


/**
 * A tree copied the fastest faithful way, the one rule for clones, fleets and ephemeral roots: a snapshot where the
 * source is the root of a btrfs subvolume (inode 256 on btrfs) and the target directory is on btrfs too, and the
 * kernel agrees they are one filesystem (else EXDEV); otherwise a faithful copy ({@link TreeCopy}: owners, modes,
 * xattrs, ACLs, times, holes, and file data reflinked where the filesystem can), into a new subvolume where the
 * target is on btrfs, so that the copy's own clones are snapshots. Any other failure of the snapshot is an error,
 * never a reason to copy. On failure nothing is left under the name. Nothing is flushed: a copy that is to last is
 * the caller's to sync (one syncfs is cheaper than an fsync per file), a root that lives for one run needs none. A
 * copy asks its {@link CopyCheckpoint} between entries and blocks, and stops, leaving nothing, where it throws.
 */
public final class SnapshotOrCopy {
  private SnapshotOrCopy() {}

  /** What was made. */
  public enum Made {
    /** A btrfs snapshot, read-only where asked. */
    SNAPSHOT,
    /** A copy in a new subvolume, read-only where asked. */
    SUBVOLUME_COPY,
    /**
     * A copy in a plain directory. Where read-only was asked its caller sets the immutable flag once the copy has
     * its final name: an immutable directory cannot be renamed.
     */
    DIRECTORY_COPY
  }

  /** Makes {@code name} in {@code targetParent} a snapshot of {@code source} where it can be, else a copy. */
  public static <E extends Exception> Made make(Fd source, Fd targetParent, byte[] name, ReadOnly readOnly,
      CopyProgress progress, CopyCheckpoint<E> checkpoint) throws NativeException, E {
    return snapshot(source, targetParent, name, readOnly) ? Made.SNAPSHOT
        : copy(source, targetParent, name, readOnly, progress, checkpoint);
  }

  /**
   * Snapshots {@code source} to {@code name} in {@code targetParent} where the rule above allows; false, with
   * nothing made, where it does not (not a subvolume, a target off btrfs, another btrfs filesystem).
   */
  public static boolean snapshot(Fd source, Fd targetParent, byte[] name, ReadOnly readOnly) throws NativeException {
    if (!Btrfs.isSubvolume(source) || !Btrfs.isBtrfs(targetParent)) {
      return false;
    }
    try {
      Subvolume.snapshot(source, targetParent, name, readOnly);
      return true;
    } catch (NativeException e) {
      if (e.is(Linux.EXDEV)) {
        return false;
      }
      throw e;
    }
  }

  /** The faithful copy of the rule above, whatever the source is. */
  public static <E extends Exception> Made copy(Fd source, Fd targetParent, byte[] name, ReadOnly readOnly,
      CopyProgress progress, CopyCheckpoint<E> checkpoint) throws NativeException, E {
    if (!Btrfs.isBtrfs(targetParent)) {
      TreeCopy.copy(source, targetParent, name, progress, checkpoint);
      return Made.DIRECTORY_COPY;
    }
    Subvolume.create(targetParent, name);
    try (Fd subvolume = targetParent.openDirectory(name)) {
      // TreeCopy makes its own top directory: copy into one inside the subvolume, then lift its contents and
      // its root's owner, mode, xattrs and times (in that order, as chown clears setuid bits) onto the subvolume.
      byte[] inner = name; // the caller's fresh name, so no name in the source root can be in its way
      TreeCopy.copy(source, subvolume, inner, progress, checkpoint);
      try (Fd copied = subvolume.openDirectory(inner)) {
        Stat stat = copied.stat(); // before the moves below change its times
        for (DirEntry entry : copied.list()) {
          copied.rename(entry.name(), subvolume, entry.name(), Linux.RENAME_NOREPLACE);
        }
        subvolume.chown(stat.uid(), stat.gid());
        subvolume.chmod(stat.permissions());
        for (byte[] attribute : copied.xattrNames()) {
          subvolume.setXattr(attribute, copied.getXattr(attribute));
        }
        subvolume.rmdir(inner);
        subvolume.setTimes(stat.accessed(), stat.modified());
      }
      if (readOnly.isReadOnly()) {
        Subvolume.setReadOnly(subvolume, true);
      }
    } catch (Exception e) {
      try {
        Trees.remove(targetParent, name);
      } catch (NativeException cleanup) {
        e.addSuppressed(cleanup); // a temporary of the caller's: its sweep removes what is left
      }
      throw e;
    }
    return Made.SUBVOLUME_COPY;
  }
}
