package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * btrfs subvolumes through ioctls: create, snapshot (recursive), delete (recursive), info, read-only flag.
 * Every call checks first that the descriptor is on btrfs, since btrfs ioctl numbers collide with other
 * drivers' and must never reach a device node.
 */
public final class Subvolume {
  private Subvolume() {}

  private static final long SUBVOL_CREATE = 0x5000940EL;
  private static final long SNAP_CREATE_V2 = 0x50009417L;
  private static final long SNAP_DESTROY = 0x5000940FL;
  private static final long SUBVOL_GETFLAGS = 0x80089419L;
  private static final long SUBVOL_SETFLAGS = 0x4008941AL;
  private static final long GET_SUBVOL_INFO = 0x81F8943CL;
  private static final long INO_LOOKUP = 0xD0009412L;
  private static final long FLAG_RDONLY = 2;
  private static final long FIRST_SUBVOLUME_ID = 256;

  /** Creates an empty subvolume {@code name} in {@code parent}. */
  public static void create(Fd parent, byte[] name) throws NativeException {
    requireBtrfs(parent, "BTRFS_IOC_SUBVOL_CREATE");
    byte[] args = new byte[Layouts.VolArgs.SIZE];
    putName(args, Layouts.VolArgs.NAME, Layouts.VolArgs.NAME_MAX, name, parent);
    parent.ioctlOn(SUBVOL_CREATE, args, "BTRFS_IOC_SUBVOL_CREATE", name);
  }

  /**
   * Snapshots the subvolume {@code source} to {@code name} in {@code targetParent}, carrying nested subvolumes
   * into place; with {@link ReadOnly#YES} the snapshot and its children end read-only, and a nested subvolume
   * that is read-only in the source is read-only in the snapshot either way. A limit set with
   * {@link Quota#setLimit} on the source is set on the snapshot too. On failure nothing is left under
   * {@code name}. Fails with EXDEV where the target is on another filesystem.
   */
  public static void snapshot(Fd source, Fd targetParent, byte[] name, ReadOnly readOnly) throws NativeException {
    requireBtrfs(source, "BTRFS_IOC_SNAP_CREATE_V2");
    requireBtrfs(targetParent, "BTRFS_IOC_SNAP_CREATE_V2");
    snapshotTree(source, targetParent, name, readOnly);
    if (!Quota.isEnabled(targetParent)) {
      // Opening the new snapshot would load its root into memory, which makes deleting it measurably slower.
      return;
    }
    try (Fd snapshot = targetParent.openDirectory(name)) {
      Quota.copyLimit(source, snapshot);
    } catch (NativeException e) {
      deleteQuietly(targetParent, name);
      throw e;
    }
  }

  private static void snapshotTree(Fd source, Fd targetParent, byte[] name, ReadOnly readOnly)
      throws NativeException {
    List<Child> children = children(source);
    boolean readOnlyNow = readOnly.isReadOnly() && children.isEmpty();
    createSnapshot(source, targetParent, name, readOnlyNow);
    if (children.isEmpty()) {
      return;
    }
    try (Fd snapshot = targetParent.openDirectory(name)) {
      for (Child child : children) {
        // In the new snapshot a nested subvolume's place holds an empty directory: swap in its own snapshot.
        try (Fd placeParent = openChildParent(snapshot, child);
            Fd childSource = openChild(source, child)) {
          placeParent.rmdir(child.name());
          // A nested subvolume that is read-only in the source stays read-only in the copy.
          ReadOnly childReadOnly = ReadOnly.of(readOnly.isReadOnly() || isReadOnly(childSource));
          snapshotTree(childSource, placeParent, child.name(), childReadOnly);
        }
      }
      if (readOnly.isReadOnly()) {
        setReadOnly(snapshot, true);
      }
    } catch (NativeException e) {
      deleteQuietly(targetParent, name);
      throw e;
    }
  }

  private static void createSnapshot(Fd source, Fd targetParent, byte[] name, boolean readOnly)
      throws NativeException {
    byte[] args = new byte[Layouts.VolArgsV2.SIZE];
    ByteBuffer b = Layouts.le(args);
    b.putLong(Layouts.VolArgsV2.FD, source.fd());
    b.putLong(Layouts.VolArgsV2.FLAGS, readOnly ? Layouts.VolArgsV2.FLAG_RDONLY : 0);
    putName(args, Layouts.VolArgsV2.NAME, Layouts.VolArgsV2.NAME_MAX, name, targetParent);
    targetParent.ioctlOn(SNAP_CREATE_V2, args, "BTRFS_IOC_SNAP_CREATE_V2", name);
  }

  /**
   * Deletes the subvolume {@code name} in {@code parent} and every subvolume nested in it, read-only ones too,
   * deepest first, with the level-1 quota group {@link Quota#setLimit} made for it.
   */
  public static void delete(Fd parent, byte[] name) throws NativeException {
    requireBtrfs(parent, "BTRFS_IOC_SNAP_DESTROY");
    long id;
    boolean quota;
    try (Fd subvolume = parent.openDirectory(name)) {
      if (!subvolume.stat().isSubvolumeRoot()) {
        throw new NativeException("BTRFS_IOC_SNAP_DESTROY (not a subvolume)", subvolume.path(), Linux.EINVAL);
      }
      id = id(subvolume);
      // Asked once: a delete is mostly these lookups beside the ioctl itself.
      quota = Quota.isEnabled(subvolume);
      if (quota) {
        // A subvolume at its quota limit cannot even be deleted (EDQUOT): its limit goes first.
        Quota.clearOwnLimit(subvolume, id);
      }
      List<Child> children = children(subvolume, id);
      if (!children.isEmpty() && isReadOnly(subvolume)) {
        // Nested subvolumes cannot be unlinked from a read-only parent (EROFS).
        setReadOnly(subvolume, false);
      }
      for (Child child : children) {
        try (Fd placeParent = openChildParent(subvolume, child)) {
          delete(placeParent, child.name());
        }
      }
    }
    byte[] args = new byte[Layouts.VolArgs.SIZE];
    putName(args, Layouts.VolArgs.NAME, Layouts.VolArgs.NAME_MAX, name, parent);
    parent.ioctlOn(SNAP_DESTROY, args, "BTRFS_IOC_SNAP_DESTROY", name);
    if (quota) {
      Quota.forgetGroup(parent, id);
    }
  }

  private static void deleteQuietly(Fd parent, byte[] name) {
    try {
      delete(parent, name);
    } catch (NativeException cleanupFailed) {
      // The original failure is what the caller must see; the leftover is a subvolume a sweep can remove.
    }
  }

  public static SubvolumeInfo info(Fd subvolume) throws NativeException {
    requireBtrfs(subvolume, "BTRFS_IOC_GET_SUBVOL_INFO");
    byte[] args = new byte[Layouts.SubvolInfo.SIZE];
    // Some kernels return a positive value on success: only a negative one is an error.
    subvolume.ioctl(GET_SUBVOL_INFO, args, "BTRFS_IOC_GET_SUBVOL_INFO");
    ByteBuffer b = Layouts.le(args);
    UUID parent = uuid(args, Layouts.SubvolInfo.PARENT_UUID);
    return new SubvolumeInfo(
        b.getLong(Layouts.SubvolInfo.TREE_ID),
        uuid(args, Layouts.SubvolInfo.UUID),
        parent.getMostSignificantBits() == 0 && parent.getLeastSignificantBits() == 0 ? null : parent,
        b.getLong(Layouts.SubvolInfo.GENERATION),
        Instant.ofEpochSecond(b.getLong(Layouts.SubvolInfo.OTIME),
            Integer.toUnsignedLong(b.getInt(Layouts.SubvolInfo.OTIME + 8))),
        (b.getLong(Layouts.SubvolInfo.FLAGS) & Layouts.SubvolInfo.FLAG_RDONLY) != 0);
  }

  public static boolean isReadOnly(Fd subvolume) throws NativeException {
    return (flags(subvolume) & FLAG_RDONLY) != 0;
  }

  /** Sets or clears the read-only flag of this subvolume only (nested ones keep theirs). */
  public static void setReadOnly(Fd subvolume, boolean readOnly) throws NativeException {
    long flags = flags(subvolume);
    long wanted = readOnly ? flags | FLAG_RDONLY : flags & ~FLAG_RDONLY;
    if (wanted != flags) {
      byte[] value = new byte[8];
      Layouts.le(value).putLong(0, wanted);
      subvolume.ioctl(SUBVOL_SETFLAGS, value, "BTRFS_IOC_SUBVOL_SETFLAGS");
    }
  }

  private static long flags(Fd subvolume) throws NativeException {
    requireBtrfs(subvolume, "BTRFS_IOC_SUBVOL_GETFLAGS");
    byte[] value = new byte[8];
    subvolume.ioctl(SUBVOL_GETFLAGS, value, "BTRFS_IOC_SUBVOL_GETFLAGS");
    return Layouts.le(value).getLong(0);
  }

  /** The id (tree id) of the subvolume a descriptor lies in. */
  static long id(Fd fd) throws NativeException {
    byte[] args = new byte[Layouts.InoLookup.SIZE];
    Layouts.le(args).putLong(Layouts.InoLookup.OBJECT_ID, FIRST_SUBVOLUME_ID);
    fd.ioctl(INO_LOOKUP, args, "BTRFS_IOC_INO_LOOKUP");
    return Layouts.le(args).getLong(Layouts.InoLookup.TREE_ID);
  }

  /** A subvolume directly nested in another: the directory it sits in (relative, "" for the top) and its name. */
  record Child(long id, byte[] directory, byte[] name) {}

  /** The subvolumes directly nested in {@code subvolume}, found through ROOT_REF items of the root tree. */
  static List<Child> children(Fd subvolume) throws NativeException {
    return children(subvolume, id(subvolume));
  }

  private static List<Child> children(Fd subvolume, long parentId) throws NativeException {
    List<Child> children = new ArrayList<>();
    for (TreeSearch.Item item : TreeSearch.search(subvolume, TreeSearch.ROOT_TREE, TreeSearch.ROOT_REF_KEY,
        parentId, parentId, 0, -1L)) {
      ByteBuffer b = item.le();
      long directoryId = b.getLong(Layouts.RootRef.DIR_ID);
      int nameLength = Short.toUnsignedInt(b.getShort(Layouts.RootRef.NAME_LEN));
      byte[] name = new byte[nameLength];
      System.arraycopy(item.data(), Layouts.RootRef.NAME, name, 0, nameLength);
      children.add(new Child(item.offset(), directoryPath(subvolume, parentId, directoryId), name));
    }
    return children;
  }

  /** The path of directory {@code directoryId} inside subvolume {@code treeId}, without a trailing slash. */
  private static byte[] directoryPath(Fd fd, long treeId, long directoryId) throws NativeException {
    if (directoryId == FIRST_SUBVOLUME_ID) {
      return new byte[0];
    }
    byte[] args = new byte[Layouts.InoLookup.SIZE];
    ByteBuffer b = Layouts.le(args);
    b.putLong(Layouts.InoLookup.TREE_ID, treeId);
    b.putLong(Layouts.InoLookup.OBJECT_ID, directoryId);
    fd.ioctl(INO_LOOKUP, args, "BTRFS_IOC_INO_LOOKUP");
    int end = Layouts.InoLookup.NAME;
    while (args[end] != 0) {
      end++;
    }
    if (end > Layouts.InoLookup.NAME && args[end - 1] == '/') {
      end--;
    }
    byte[] path = new byte[end - Layouts.InoLookup.NAME];
    System.arraycopy(args, Layouts.InoLookup.NAME, path, 0, path.length);
    return path;
  }

  private static Fd openChildParent(Fd subvolume, Child child) throws NativeException {
    if (child.directory().length == 0) {
      return subvolume.openDirectory(new byte[] {'.'});
    }
    return subvolume.resolve(child.directory(), Linux.O_RDONLY | Linux.O_DIRECTORY, 0,
        Linux.RESOLVE_NO_SYMLINKS | Linux.RESOLVE_BENEATH);
  }

  static Fd openChild(Fd subvolume, Child child) throws NativeException {
    try (Fd parent = openChildParent(subvolume, child)) {
      return parent.openDirectory(child.name());
    }
  }

  private static UUID uuid(byte[] bytes, int offset) {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, 16);
    return new UUID(b.getLong(), b.getLong());
  }

  private static void putName(byte[] args, int offset, int max, byte[] name, Fd parent) throws NativeException {
    if (name.length == 0 || name.length > Math.min(max, FileNames.NAME_MAX) || FileNames.isDotOrDotDot(name)) {
      throw new NativeException("subvolume name", parent.pathOf(name), Linux.EINVAL);
    }
    for (byte c : name) {
      if (c == '/' || c == 0) {
        throw new NativeException("subvolume name", parent.pathOf(name), Linux.EINVAL);
      }
    }
    System.arraycopy(name, 0, args, offset, name.length);
  }

  static void requireBtrfs(Fd fd, String call) throws NativeException {
    if (!Btrfs.isBtrfs(fd)) {
      throw new NativeException(call + " (not on btrfs)", fd.path(), Linux.ENOTTY);
    }
  }
}
