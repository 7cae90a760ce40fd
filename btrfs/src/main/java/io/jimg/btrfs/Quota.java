package io.jimg.btrfs;

/**
 * btrfs quota, opt-in: it is switched on only when a limit is asked for, and a level-1 qgroup is made only for
 * an image that has a limit, covering the image and its nested subvolumes.
 */
public final class Quota {
  private Quota() {}

  /** Limits the referenced size of a subvolume and its nested subvolumes; -1 clears the limit. */
  public static void setLimit(Fd subvolume, long bytes) throws NativeException {
    throw new UnsupportedOperationException();
  }

  public static QuotaUsage usage(Fd subvolume) throws NativeException {
    throw new UnsupportedOperationException();
  }
}
