package io.jimg.btrfs;

/** btrfs subvolumes through ioctls: create, snapshot (recursive), delete (recursive), info, read-only flag. */
public final class Subvolume {
  private Subvolume() {}

  /** Creates an empty subvolume {@code name} in {@code parent}. */
  public static void create(Fd parent, byte[] name) throws NativeException {
    throw new UnsupportedOperationException();
  }

  /**
   * Snapshots the subvolume {@code source} to {@code name} in {@code targetParent}, carrying nested subvolumes
   * into place; with {@link ReadOnly#YES} the snapshot and its children end read-only.
   */
  public static void snapshot(Fd source, Fd targetParent, byte[] name, ReadOnly readOnly) throws NativeException {
    throw new UnsupportedOperationException();
  }

  /** Deletes the subvolume {@code name} in {@code parent} and every subvolume nested in it, read-only ones too. */
  public static void delete(Fd parent, byte[] name) throws NativeException {
    throw new UnsupportedOperationException();
  }

  public static SubvolumeInfo info(Fd subvolume) throws NativeException {
    throw new UnsupportedOperationException();
  }

  public static boolean isReadOnly(Fd subvolume) throws NativeException {
    throw new UnsupportedOperationException();
  }

  public static void setReadOnly(Fd subvolume, boolean readOnly) throws NativeException {
    throw new UnsupportedOperationException();
  }
}
