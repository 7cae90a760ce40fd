package io.jimg.btrfs;

/**
 * A faithful copy of a directory tree, for where a snapshot cannot be made: reflinked data where the
 * filesystem can, holes kept, owners, modes, nanosecond times, all xattrs, hardlinks, devices and fifos.
 */
public final class TreeCopy {
  private TreeCopy() {}

  /**
   * Copies the directory {@code source} to a new directory {@code name} in {@code targetParent}. Never descends
   * into a mount inside the source. On failure nothing is left under {@code name}.
   */
  public static void copy(Fd source, Fd targetParent, byte[] name, CopyProgress progress) throws NativeException {
    throw new UnsupportedOperationException();
  }
}
