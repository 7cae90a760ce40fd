package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * btrfs quota, opt-in: it is switched on only when a limit is asked for, and a level-1 qgroup {@code 1/ID} is
 * made only for a subvolume that has a limit, holding its own {@code 0/ID} and those of its nested
 * subvolumes (as systemd's subtree qgroups do). A snapshot joins a level-1 group only where its parent or its
 * source has one, since every such join can mark quota inconsistent and cost a rescan of the whole pool.
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
  private static final long CLEAR = -1L;
  private static final int BUSY_RETRIES = 20;
  private static final int EINPROGRESS = 115;

  /**
   * Limits the referenced size of a subvolume and its nested subvolumes; -1 clears the limit. Switches quota
   * on for the filesystem the first time a limit is set, and waits for the figures to be consistent.
   */
  public static void setLimit(Fd subvolume, long bytes) throws NativeException {
    Subvolume.requireBtrfs(subvolume, "BTRFS_IOC_QGROUP_LIMIT");
    long id = Subvolume.id(subvolume);
    long group = qgroupId(1, id);
    if (bytes < 0) {
      if (status(subvolume) != null && groupExists(subvolume, group)) {
        limit(subvolume, group, CLEAR);
      }
      return;
    }
    if (status(subvolume) == null) {
      ioctl(subvolume, QUOTA_CTL, quotaCtl(QUOTA_CTL_ENABLE), "BTRFS_IOC_QUOTA_CTL");
      rescanWait(subvolume);
    }
    createGroup(subvolume, id);
    limit(subvolume, group, bytes);
    if (isInconsistent(subvolume)) {
      rescan(subvolume);
      rescanWait(subvolume);
    }
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
    return new QuotaUsage(referenced, exclusive, limitReferenced, limitExclusive,
        stale ? QuotaUsage.State.STALE : QuotaUsage.State.CURRENT);
  }

  /**
   * After a snapshot: the snapshot gets the source's limit, and joins the level-1 groups its parent subvolume
   * belongs to (a pool-wide limit). Starts a rescan where that made the figures inconsistent, without waiting:
   * usage reads as stale until it ends.
   */
  static void copyLimit(Fd source, Fd snapshot) throws NativeException {
    long snapshotId = Subvolume.id(snapshot);
    long sourceGroup = qgroupId(1, Subvolume.id(source));
    if (groupExists(source, sourceGroup)) {
      long limit = -1;
      for (TreeSearch.Item item : item(source, TreeSearch.QGROUP_LIMIT_KEY, sourceGroup)) {
        if ((item.le().getLong(Layouts.QgroupLimit.ITEM_FLAGS) & Layouts.QgroupLimit.FLAG_MAX_REFERENCED) != 0) {
          limit = item.le().getLong(Layouts.QgroupLimit.ITEM_MAX_REFERENCED);
        }
      }
      createGroup(snapshot, snapshotId);
      if (limit >= 0) {
        limit(snapshot, qgroupId(1, snapshotId), limit);
      }
    }
    try (Fd parent = snapshot.openDirectory(new byte[] {'.', '.'})) {
      long parentId = Subvolume.id(parent);
      for (long group : groupsOf(parent, qgroupId(0, parentId))) {
        assign(snapshot, qgroupId(0, snapshotId), group);
      }
    }
    if (isInconsistent(snapshot)) {
      rescan(snapshot);
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
      limit(subvolume, group, CLEAR);
    }
  }

  /** After a delete, where quota is on: drops the level-1 group {@link #setLimit} made for {@code id}, if any. */
  static void forgetGroup(Fd anywhere, long id) throws NativeException {
    long group = qgroupId(1, id);
    if (!groupExists(anywhere, group)) {
      return;
    }
    for (TreeSearch.Item member : TreeSearch.search(anywhere, TreeSearch.QUOTA_TREE,
        TreeSearch.QGROUP_RELATION_KEY, group, group, 0, qgroupId(1, 0) - 1)) {
      unassign(anywhere, member.offset(), group);
    }
    byte[] args = new byte[16];
    Layouts.le(args).putLong(0, 0).putLong(8, group);
    ioctl(anywhere, QGROUP_CREATE, args, "BTRFS_IOC_QGROUP_CREATE (destroy)");
  }

  static long qgroupId(int level, long id) {
    return ((long) level << 48) | id;
  }

  /** Makes {@code 1/id} if missing and puts {@code 0/id} and every nested subvolume's 0-level group in it. */
  private static void createGroup(Fd subvolume, long id) throws NativeException {
    long group = qgroupId(1, id);
    if (!groupExists(subvolume, group)) {
      byte[] args = new byte[16];
      Layouts.le(args).putLong(0, 1).putLong(8, group);
      ioctl(subvolume, QGROUP_CREATE, args, "BTRFS_IOC_QGROUP_CREATE");
    }
    List<Long> members = new ArrayList<>();
    members.add(id);
    collectNested(subvolume, members);
    List<Long> existing = groupsMembers(subvolume, group);
    for (long member : members) {
      if (!existing.contains(qgroupId(0, member))) {
        assign(subvolume, qgroupId(0, member), group);
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

  private static List<Long> groupsMembers(Fd fd, long group) throws NativeException {
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
