package io.jimg.btrfs;

/** Inode flags (chattr's), through FS_IOC_GETFLAGS and FS_IOC_SETFLAGS. */
public final class FileFlags {
  private FileFlags() {}

  public static final int IMMUTABLE = 0x10;
  public static final int APPEND_ONLY = 0x20;
  public static final int NOCOW = 0x800000;

  private static final long FS_IOC_GETFLAGS = 0x80086601L;
  private static final long FS_IOC_SETFLAGS = 0x40086602L;

  /** The flags of an open file or directory (not an O_PATH descriptor). */
  public static int get(Fd fd) throws NativeException {
    byte[] flags = new byte[8];
    fd.ioctl(FS_IOC_GETFLAGS, flags, "FS_IOC_GETFLAGS");
    return Layouts.le(flags).getInt(0);
  }

  public static void set(Fd fd, int flags) throws NativeException {
    byte[] value = new byte[8];
    Layouts.le(value).putInt(0, flags);
    fd.ioctl(FS_IOC_SETFLAGS, value, "FS_IOC_SETFLAGS");
  }

  /** Sets or clears some flags, leaving the others; returns whether anything changed. */
  public static boolean change(Fd fd, int flags, boolean on) throws NativeException {
    int before = get(fd);
    int after = on ? before | flags : before & ~flags;
    if (after != before) {
      set(fd, after);
    }
    return after != before;
  }
}
