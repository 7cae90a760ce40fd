package io.jimg.btrfs;

/**
 * Usage and limits from btrfs qgroups, in bytes; -1 where there is no limit or no figure. {@code state} says
 * whether the figures can be trusted.
 */
public record QuotaUsage(long referenced, long exclusive, long limitReferenced, long limitExclusive, State state) {
  public enum State {
    /** Quota is on and consistent. */
    CURRENT,
    /** Quota is on, but a rescan is running or the kernel marked the figures inconsistent. */
    STALE,
    /** Quota is off on this filesystem: nothing is counted. */
    DISABLED
  }
}
