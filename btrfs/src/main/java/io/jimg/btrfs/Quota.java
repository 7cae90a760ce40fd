package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * btrfs quota, opt-in: it is switched on only when a limit is asked for, and a level-1 qgroup {@code 1/ID} is
 * made only for a subvolume that has a limit, holding its own {@code 0/ID} and those of its nested
 * subvolumes (as systemd's subtree qgroups do). A snapshot joins a level-1 group only where its parent or its
 * source has one, since every such join can mark quota inconsistent and cost a rescan of the whole pool.
 *
 * <p>Every call that changes qgroups is issued through a descriptor outside the limited subvolume ({@link
 * #outside}): the kernel starts the call's transaction on the descriptor's subvolume, and one that is over its
 * limit refuses it with EDQUOT, so a limit set below usage could otherwise never be raised or removed.
 */
public final class Quota {
  private Quota() {}

  private static final long QUOTA_CTL = 0xC0109428L;
  private static final long QGROUP_ASSIGN = 0x40189429L;
  private static final long QGROUP_CREATE = 0x4010942AL;
  private static final long QGROUP_LIMIT = 0x8030942BL;
  private static final long QUOTA_RESCAN = 0x4040942CL;
  private static final long QUOTA_RESCAN_WAIT = 0x942EL;
  private static final long QUOTA_CTL_ENABLE = 1;
  private static final long QUOTA_CTL_ENABLE_SIMPLE = 4;
  private static final long FS_INFO = 0x8400941FL;
  private static final int FS_INFO_SIZE = 1024;
  private static final int FS_INFO_FSID = 16;
  private static final long TOP_LEVEL = 5;
  private static final int MAX_CLIMB = 256;
  private static final long CLEAR = -1L;
  private static final int BUSY_RETRIES = 20;
  private static final int EINPROGRESS = 115;

  /** How quota counts, where it is on. */
  public enum Mode {
    /**
     * Simple quotas (kernel 6.7+): each extent counts against the subvolume that wrote it, so no rescan is ever
     * needed and snapshots cost nothing to count, but data a snapshot shares is counted in its source only.
     */
    SIMPLE,
    /** Full qgroups: shared data counted exactly, at the price of back-reference walks on every change. */
    FULL
  }

  /**
   * Limits the referenced size of a subvolume and its nested subvolumes; -1 clears the limit. Switches quota
   * on for the filesystem the first time a limit is set (simple quotas where the kernel has them) and answers
   * the mode it switched on, empty where quota was on already or is left off.
   */
  public static Optional<Mode> setLimit(Fd subvolume, long bytes) throws NativeException {
    return setLimit(subvolume, bytes, Mode.SIMPLE, true);
  }

  /**
   * As {@link #setLimit(Fd, long)}, counting only the subvolumes nested in {@code container} (a pool), not
   * its own files: lock files beside the images stay creatable when the images reach the limit.
   */
  public static Optional<Mode> setLimitOfNested(Fd container, long bytes) throws NativeException {
    return setLimit(container, bytes, Mode.SIMPLE, false);
  }

  /** As {@link #setLimit(Fd, long)}, switching quota on in {@code preferred} mode (full where simple is missing). */
  static Optional<Mode> setLimit(Fd subvolume, long bytes, Mode preferred, boolean countOwn)
      throws NativeException {
    Subvolume.requireBtrfs(subvolume, "BTRFS_IOC_QGROUP_LIMIT");
    long id = Subvolume.id(subvolume);
    long group = qgroupId(1, id);
    boolean on = status(subvolume) != null;
    if (bytes < 0 && (!on || !groupExists(subvolume, group))) {
      return Optional.empty();
    }
    try (Fd outside = outside(subvolume)) {
      if (bytes < 0) {
        limit(outside, group, CLEAR);
        return Optional.empty();
      }
      Optional<Mode> enabled = on ? Optional.empty() : Optional.of(enable(outside, preferred));
      createGroup(subvolume, outside, id, countOwn);
      limit(outside, group, bytes);
      if (isInconsistent(outside)) {
        rescan(outside);
        rescanWait(outside);
      }
      return enabled;
    }
  }

  private static Mode enable(Fd outside, Mode preferred) throws NativeException {
    if (preferred == Mode.SIMPLE) {
      try {
        ioctl(outside, QUOTA_CTL, quotaCtl(QUOTA_CTL_ENABLE_SIMPLE), "BTRFS_IOC_QUOTA_CTL (simple)");
        return Mode.SIMPLE;
      } catch (NativeException e) {
        // Kernels before 6.7 know no simple quotas and answer EINVAL: full qgroups are what they have.
        if (!e.is(Linux.EINVAL)) {
          throw e;
        }
      }
    }
    ioctl(outside, QUOTA_CTL, quotaCtl(QUOTA_CTL_ENABLE), "BTRFS_IOC_QUOTA_CTL");
    rescanWait(outside);
    return Mode.FULL;
  }

  /** The mode quota is on in for the filesystem of {@code fd}, empty where it is off. */
  public static Optional<Mode> mode(Fd fd) throws NativeException {
    Long flags = status(fd);
    if (flags == null) {
      return Optional.empty();
    }
    return Optional.of((flags & Layouts.QgroupStatus.FLAG_SIMPLE_MODE) != 0 ? Mode.SIMPLE : Mode.FULL);
  }

  /**
   * A descriptor on the highest directory of {@code fd}'s btrfs filesystem reachable through "..": the top
   * level (subvolume 5) where it is mounted, else the root of the mount. No image or pool limit covers it.
   */
  static Fd outside(Fd fd) throws NativeException {
    byte[] fsid = fsid(fd);
    Fd current = fd.openDirectory(new byte[] {'.'});
    try {
      for (int climbed = 0; climbed < MAX_CLIMB && Subvolume.id(current) != TOP_LEVEL; climbed++) {
        Fd up = current.openDirectory(new byte[] {'.', '.'});
        Stat here = current.stat();
        Stat there = up.stat();
        boolean sameDirectory = here.device() == there.device() && here.inode() == there.inode();
        if (sameDirectory || !Btrfs.isBtrfs(up) || !Arrays.equals(fsid, fsid(up))) {
          up.close();
          break;
        }
        current.close();
        current = up;
      }
      return current;
    } catch (NativeException e) {
      current.close();
      throw e;
    }
  }

  private static byte[] fsid(Fd fd) throws NativeException {
    byte[] args = new byte[FS_INFO_SIZE];
    fd.ioctl(FS_INFO, args, "BTRFS_IOC_FS_INFO");
    return Arrays.copyOfRange(args, FS_INFO_FSID, FS_INFO_FSID + 16);
  }

  /** Usage and limits of a subvolume: its level-1 group where it has one, its own 0-level group otherwise. */
  public static QuotaUsage usage(Fd subvolume) throws NativeException {
    Subvolume.requireBtrfs(subvolume, "BTRFS_IOC_TREE_SEARCH");
    Long flags = status(subvolume);
    if (flags == null || (flags & Layouts.QgroupStatus.FLAG_ON) == 0) {
      return new QuotaUsage(-1, -1, -1, -1, QuotaUsage.State.DISABLED);
    }
    long id = Subvolume.id(subvolume);
    long group = groupExists(subvolume, qgroupId(1, id)) ? qgroupId(1, id) : qgroupId(0, id);
    long referenced = -1;
    long exclusive = -1;
    for (TreeSearch.Item item : item(subvolume, TreeSearch.QGROUP_INFO_KEY, group)) {
      referenced = item.le().getLong(Layouts.QgroupInfo.REFERENCED);
      exclusive = item.le().getLong(Layouts.QgroupInfo.EXCLUSIVE);
    }
    long limitReferenced = -1;
    long limitExclusive = -1;
    for (TreeSearch.Item item : item(subvolume, TreeSearch.QGROUP_LIMIT_KEY, group)) {
      ByteBuffer b = item.le();
      long limitFlags = b.getLong(Layouts.QgroupLimit.ITEM_FLAGS);
      if ((limitFlags & Layouts.QgroupLimit.FLAG_MAX_REFERENCED) != 0) {
        limitReferenced = b.getLong(Layouts.QgroupLimit.ITEM_MAX_REFERENCED);
      }
      if ((limitFlags & Layouts.QgroupLimit.FLAG_MAX_EXCLUSIVE) != 0) {
        limitExclusive = b.getLong(Layouts.QgroupLimit.ITEM_MAX_EXCLUSIVE);
      }
    }
    boolean stale = (flags & (Layouts.QgroupStatus.FLAG_RESCAN | Layouts.QgroupStatus.FLAG_INCONSISTENT)) != 0;
    QuotaUsage.State state = stale ? QuotaUsage.State.STALE
        : (flags & Layouts.QgroupStatus.FLAG_SIMPLE_MODE) != 0 ? QuotaUsage.State.SIMPLE : QuotaUsage.State.CURRENT;
    return new QuotaUsage(referenced, exclusive, limitReferenced, limitExclusive, state);
  }

  /**
   * After a snapshot: the snapshot gets the source's limit, and joins the level-1 groups its parent subvolume
   * belongs to (a pool-wide limit). Starts a rescan where that made the figures inconsistent, without waiting:
   * usage reads as stale until it ends.
   */
  static void copyLimit(Fd source, Fd snapshot) throws NativeException {
    long snapshotId = Subvolume.id(snapshot);
    long sourceGroup = qgroupId(1, Subvolume.id(source));
    List<Long> joins = new ArrayList<>();
    long parentId;
    try (Fd parent = snapshot.openDirectory(new byte[] {'.', '.'})) {
      parentId = Subvolume.id(parent);
      joins.addAll(groupsOf(parent, qgroupId(0, parentId)));
    }
    // A pool's group holds its images but not the pool itself.
    if (groupExists(snapshot, qgroupId(1, parentId)) && !joins.contains(qgroupId(1, parentId))) {
      joins.add(qgroupId(1, parentId));
    }
    boolean limited = groupExists(source, sourceGroup);
    if (!limited && joins.isEmpty()) {
      return;
    }
    try (Fd outside = outside(snapshot)) {
      if (limited) {
        long limit = -1;
        for (TreeSearch.Item item : item(source, TreeSearch.QGROUP_LIMIT_KEY, sourceGroup)) {
          if ((item.le().getLong(Layouts.QgroupLimit.ITEM_FLAGS) & Layouts.QgroupLimit.FLAG_MAX_REFERENCED) != 0) {
            limit = item.le().getLong(Layouts.QgroupLimit.ITEM_MAX_REFERENCED);
          }
        }
        createGroup(snapshot, outside, snapshotId, true);
        if (limit >= 0) {
          limit(outside, qgroupId(1, snapshotId), limit);
        }
      }
      for (long group : joins) {
        assign(outside, qgroupId(0, snapshotId), group);
      }
      if (isInconsistent(outside)) {
        rescan(outside);
      }
    }
  }

  /** Whether quota is on for the filesystem of {@code fd}. */
  static boolean isEnabled(Fd fd) throws NativeException {
    return status(fd) != null;
  }

  /**
   * Before a delete, where quota is on: clears the limit of the level-1 group {@link #setLimit} made for
   * subvolume {@code id}.
   */
  static void clearOwnLimit(Fd subvolume, long id) throws NativeException {
    long group = qgroupId(1, id);
    if (groupExists(subvolume, group)) {
      try (Fd outside = outside(subvolume)) {
        limit(outside, group, CLEAR);
      }
    }
  }

  /**
   * After a delete, where quota is on: drops the level-1 group {@link #setLimit} made for {@code id}, if any,
   * and its 0-level group where the kernel has let go of the subvolume already (else a later
   * {@link StaleQgroups#sweep} does).
   */
  static void forgetGroup(Fd anywhere, long id) throws NativeException {
    long group = qgroupId(1, id);
    try (Fd outside = outside(anywhere)) {
      if (groupExists(anywhere, group)) {
        for (TreeSearch.Item member : TreeSearch.search(anywhere, TreeSearch.QUOTA_TREE,
            TreeSearch.QGROUP_RELATION_KEY, group, group, 0, qgroupId(1, 0) - 1)) {
          unassign(outside, member.offset(), group);
        }
        destroy(outside, group);
      }
      destroyIfDropped(outside, qgroupId(0, id));
    }
  }

  /** Destroys a group without members; false where the kernel still holds its subvolume (EBUSY) or it is gone. */
  static boolean destroyIfDropped(Fd outside, long group) throws NativeException {
    try {
      // Without the retries of ioctl(): here EBUSY means the subvolume is not dropped yet, not a rescan.
      outside.ioctl(QGROUP_CREATE, destroyArgs(group), "BTRFS_IOC_QGROUP_CREATE (destroy)");
      return true;
    } catch (NativeException e) {
      if (e.is(Linux.EBUSY) || e.is(Linux.ENOENT)) {
        return false;
      }
      throw e;
    }
  }

  private static void destroy(Fd outside, long group) throws NativeException {
    ioctl(outside, QGROUP_CREATE, destroyArgs(group), "BTRFS_IOC_QGROUP_CREATE (destroy)");
  }

  private static byte[] destroyArgs(long group) {
    byte[] args = new byte[16];
    Layouts.le(args).putLong(0, 0).putLong(8, group);
    return args;
  }

  static long qgroupId(int level, long id) {
    return ((long) level << 48) | id;
  }

  /**
   * Makes {@code 1/id} if missing and puts every nested subvolume's 0-level group in it, and {@code 0/id} where
   * {@code countOwn}.
   */
  private static void createGroup(Fd subvolume, Fd outside, long id, boolean countOwn) throws NativeException {
    long group = qgroupId(1, id);
    if (!groupExists(subvolume, group)) {
      byte[] args = new byte[16];
      Layouts.le(args).putLong(0, 1).putLong(8, group);
      ioctl(outside, QGROUP_CREATE, args, "BTRFS_IOC_QGROUP_CREATE");
    }
    List<Long> members = new ArrayList<>();
    if (countOwn) {
      members.add(id);
    }
    collectNested(subvolume, members);
    List<Long> existing = groupsMembers(subvolume, group);
    for (long member : members) {
      if (!existing.contains(qgroupId(0, member))) {
        assign(outside, qgroupId(0, member), group);
      }
    }
  }

  private static void collectNested(Fd subvolume, List<Long> ids) throws NativeException {
    for (Subvolume.Child child : Subvolume.children(subvolume)) {
      ids.add(child.id());
      try (Fd nested = Subvolume.openChild(subvolume, child)) {
        collectNested(nested, ids);
      }
    }
  }

  private static void assign(Fd fd, long member, long group) throws NativeException {
    byte[] args = new byte[24];
    Layouts.le(args).putLong(0, 1).putLong(8, member).putLong(16, group);
    try {
      ioctl(fd, QGROUP_ASSIGN, args, "BTRFS_IOC_QGROUP_ASSIGN");
    } catch (NativeException e) {
      if (!e.is(Linux.EEXIST)) {
        throw e;
      }
    }
  }

  private static void unassign(Fd fd, long member, long group) throws NativeException {
    byte[] args = new byte[24];
    Layouts.le(args).putLong(0, 0).putLong(8, member).putLong(16, group);
    try {
      ioctl(fd, QGROUP_ASSIGN, args, "BTRFS_IOC_QGROUP_ASSIGN (remove)");
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT)) {
        throw e;
      }
    }
  }

  private static void limit(Fd fd, long group, long bytes) throws NativeException {
    byte[] args = new byte[Layouts.QgroupLimit.ARGS_SIZE];
    ByteBuffer b = Layouts.le(args);
    b.putLong(Layouts.QgroupLimit.ARGS_QGROUP_ID, group);
    b.putLong(Layouts.QgroupLimit.ARGS_FLAGS, Layouts.QgroupLimit.FLAG_MAX_REFERENCED);
    b.putLong(Layouts.QgroupLimit.ARGS_MAX_REFERENCED, bytes);
    ioctl(fd, QGROUP_LIMIT, args, "BTRFS_IOC_QGROUP_LIMIT");
  }

  /** The status item's flags, or null where quota is off (the quota tree does not exist). */
  private static Long status(Fd fd) throws NativeException {
    try {
      for (TreeSearch.Item item : TreeSearch.search(fd, TreeSearch.QUOTA_TREE, TreeSearch.QGROUP_STATUS_KEY,
          0, 0, 0, 0)) {
        return item.le().getLong(Layouts.QgroupStatus.FLAGS);
      }
      return null;
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return null;
      }
      throw e;
    }
  }

  private static boolean isInconsistent(Fd fd) throws NativeException {
    Long flags = status(fd);
    return flags != null && (flags & Layouts.QgroupStatus.FLAG_INCONSISTENT) != 0;
  }

  private static boolean groupExists(Fd fd, long group) throws NativeException {
    return !item(fd, TreeSearch.QGROUP_INFO_KEY, group).isEmpty();
  }

  private static List<TreeSearch.Item> item(Fd fd, int type, long group) throws NativeException {
    return TreeSearch.search(fd, TreeSearch.QUOTA_TREE, type, 0, 0, group, group);
  }

  /** The groups {@code member} belongs to (relation items are stored both ways; this reads member → group). */
  private static List<Long> groupsOf(Fd fd, long member) throws NativeException {
    List<Long> groups = new ArrayList<>();
    for (TreeSearch.Item item : TreeSearch.search(fd, TreeSearch.QUOTA_TREE, TreeSearch.QGROUP_RELATION_KEY,
        member, member, qgroupId(1, 0), -1L)) {
      groups.add(item.offset());
    }
    return groups;
  }

  static List<Long> groupsMembers(Fd fd, long group) throws NativeException {
    List<Long> members = new ArrayList<>();
    for (TreeSearch.Item item : TreeSearch.search(fd, TreeSearch.QUOTA_TREE, TreeSearch.QGROUP_RELATION_KEY,
        group, group, 0, qgroupId(1, 0) - 1)) {
      members.add(item.offset());
    }
    return members;
  }

  private static void rescan(Fd fd) throws NativeException {
    try {
      fd.ioctl(QUOTA_RESCAN, new byte[64], "BTRFS_IOC_QUOTA_RESCAN");
    } catch (NativeException e) {
      if (!e.is(EINPROGRESS)) {
        throw e;
      }
    }
  }

  private static void rescanWait(Fd fd) throws NativeException {
    fd.ioctl(QUOTA_RESCAN_WAIT, null, "BTRFS_IOC_QUOTA_RESCAN_WAIT");
  }

  /** qgroup calls answer EBUSY while a rescan runs: wait for it and try again. */
  private static void ioctl(Fd fd, long request, byte[] args, String call) throws NativeException {
    for (int attempt = 0; ; attempt++) {
      try {
        fd.ioctl(request, args, call);
        return;
      } catch (NativeException e) {
        if (!e.is(Linux.EBUSY) || attempt >= BUSY_RETRIES) {
          throw e;
        }
        rescanWait(fd);
      }
    }
  }

  private static byte[] quotaCtl(long command) {
    byte[] args = new byte[16];
    Layouts.le(args).putLong(0, command);
    return args;
  }
}
