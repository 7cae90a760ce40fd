package io.jimg.btrfs;

/** Removing whole trees fd-relative: nested subvolumes, immutable directories and all. */
public final class Trees {
  private Trees() {}

  /** Removes {@code name} in {@code parent}, whatever it is, with everything below it. */
  public static void remove(Fd parent, byte[] name) throws NativeException {
    throw new UnsupportedOperationException();
  }
}
