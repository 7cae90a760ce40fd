package io.jimg.btrfs;

/**
 * Qgroups of subvolumes that no longer exist: their 0-level groups (older kernels keep them; newer ones until
 * the cleaner has dropped the subvolume) and the empty level-1 groups {@link Quota#setLimit} names after them
 * (left where a subvolume was deleted by another tool). Every qgroup costs time in each transaction that quota
 * accounts, so such groups make a pool slower with every image it ever held.
 */
public final class StaleQgroups {
  private StaleQgroups() {}

  private static final long FIRST_SUBVOLUME_ID = 256;

  /**
   * Destroys at most {@code max} groups of subvolumes gone from the filesystem of {@code anywhere}; answers
   * how many. Nothing to do where quota is off.
   */
  public static int sweep(Fd anywhere, int max) throws NativeException {
    if (!Btrfs.isBtrfs(anywhere) || !Quota.isEnabled(anywhere)) {
      return 0;
    }
    int destroyed = 0;
    try (Fd outside = Quota.outside(anywhere)) {
      for (TreeSearch.Item group : TreeSearch.search(anywhere, TreeSearch.QUOTA_TREE, TreeSearch.QGROUP_INFO_KEY,
          0, 0, FIRST_SUBVOLUME_ID, Quota.qgroupId(2, 0) - 1)) {
        if (destroyed >= max) {
          break;
        }
        if (group.type() == TreeSearch.QGROUP_INFO_KEY && isStale(anywhere, group.offset())
            && Quota.destroyIfDropped(outside, group.offset())) {
          destroyed++;
        }
      }
    }
    return destroyed;
  }

  private static boolean isStale(Fd anywhere, long group) throws NativeException {
    long subvolume = group & (Quota.qgroupId(1, 0) - 1);
    if (subvolume < FIRST_SUBVOLUME_ID || exists(anywhere, subvolume)) {
      return false;
    }
    // A level-1 group that still has members is someone's on purpose.
    return group < Quota.qgroupId(1, 0) || Quota.groupsMembers(anywhere, group).isEmpty();
  }

  private static boolean exists(Fd anywhere, long id) throws NativeException {
    for (TreeSearch.Item item : TreeSearch.search(anywhere, TreeSearch.ROOT_TREE, TreeSearch.ROOT_ITEM_KEY, id, id,
        0, -1L)) {
      if (item.type() == TreeSearch.ROOT_ITEM_KEY) {
        return true;
      }
    }
    return false;
  }
}
