package io.jimg.btrfs;

/** The read-only switch of a block device (BLKROGET/BLKROSET), as systemd sets it for block-device images. */
public final class BlockDevices {
  private BlockDevices() {}

  private static final long BLKROSET = 0x125DL;
  private static final long BLKROGET = 0x125EL;

  /** Whether the opened block device is read-only. */
  public static boolean isReadOnly(Fd device) throws NativeException {
    byte[] value = new byte[4];
    device.ioctl(BLKROGET, value, "BLKROGET");
    return Layouts.le(value).getInt(0) != 0;
  }

  public static void setReadOnly(Fd device, boolean readOnly) throws NativeException {
    byte[] value = new byte[4];
    Layouts.le(value).putInt(0, readOnly ? 1 : 0);
    device.ioctl(BLKROSET, value, "BLKROSET");
  }
}
