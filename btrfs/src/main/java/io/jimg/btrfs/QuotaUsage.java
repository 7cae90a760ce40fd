package io.jimg.btrfs;

/**
 * Usage and limits from btrfs qgroups, in bytes; -1 where there is no limit or no figure. {@code state} says
 * whether the figures can be trusted.
 */
public record QuotaUsage(long referenced, long exclusive, long limitReferenced, long limitExclusive, State state) {
  public enum State {
    /** Quota is on, full qgroups, consistent: exact figures. */
    CURRENT,
    /**
     * Simple quotas: consistent, but each extent counts against the subvolume that wrote it, so data a clone
     * shares with its source is counted in the source only.
     */
    SIMPLE,
    /** Quota is on, but a rescan is running or the kernel marked the figures inconsistent. */
    STALE,
    /** Quota is off on this filesystem: nothing is counted. */
    DISABLED
  }
}
