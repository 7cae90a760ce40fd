package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.time.Instant;

/** What statx reports about one inode. */
public record Stat(
    int mode, int uid, int gid, int nlink, long inode, long devMajor, long devMinor,
    long rdevMajor, long rdevMinor, long size, long blocks,
    Instant accessed, Instant modified, Instant changed, Instant born, long mountId) {

  /** statx of the descriptor itself. */
  static Stat of(Fd fd) throws NativeException {
    byte[] buffer = new byte[Layouts.Statx.SIZE];
    int result = Native.libc().statx(fd.fd(), new byte[1], Linux.AT_EMPTY_PATH | Linux.AT_SYMLINK_NOFOLLOW,
        Layouts.Statx.MASK_BASIC_AND_BTIME | Layouts.Statx.STATX_MNT_ID, buffer);
    NativeException.check(result, "statx", fd);
    return parse(buffer);
  }

  /** statx of a name in a directory, not following a symlink. */
  static Stat of(Fd directory, byte[] name) throws NativeException {
    byte[] buffer = new byte[Layouts.Statx.SIZE];
    int result = Native.libc().statx(directory.fd(), Native.cString(name), Linux.AT_SYMLINK_NOFOLLOW,
        Layouts.Statx.MASK_BASIC_AND_BTIME | Layouts.Statx.STATX_MNT_ID, buffer);
    NativeException.check(result, "statx", directory, name);
    return parse(buffer);
  }

  private static Stat parse(byte[] statx) {
    ByteBuffer b = Layouts.le(statx);
    int mask = b.getInt(Layouts.Statx.MASK);
    return new Stat(
        Short.toUnsignedInt(b.getShort(Layouts.Statx.MODE)),
        b.getInt(Layouts.Statx.UID),
        b.getInt(Layouts.Statx.GID),
        b.getInt(Layouts.Statx.NLINK),
        b.getLong(Layouts.Statx.INO),
        Integer.toUnsignedLong(b.getInt(Layouts.Statx.DEV_MAJOR)),
        Integer.toUnsignedLong(b.getInt(Layouts.Statx.DEV_MINOR)),
        Integer.toUnsignedLong(b.getInt(Layouts.Statx.RDEV_MAJOR)),
        Integer.toUnsignedLong(b.getInt(Layouts.Statx.RDEV_MINOR)),
        b.getLong(Layouts.Statx.SIZE_BYTES),
        b.getLong(Layouts.Statx.BLOCKS),
        time(b, Layouts.Statx.ATIME),
        time(b, Layouts.Statx.MTIME),
        time(b, Layouts.Statx.CTIME),
        (mask & Layouts.Statx.STATX_BTIME) != 0 ? time(b, Layouts.Statx.BTIME) : null,
        (mask & Layouts.Statx.STATX_MNT_ID) != 0 ? b.getLong(Layouts.Statx.MNT_ID) : -1);
  }

  private static Instant time(ByteBuffer b, int offset) {
    return Instant.ofEpochSecond(b.getLong(offset), Integer.toUnsignedLong(b.getInt(offset + 8)));
  }

  public int type() {
    return mode & Linux.S_IFMT;
  }

  public int permissions() {
    return mode & 07777;
  }

  public boolean isDirectory() {
    return Linux.isDirectory(mode);
  }

  public boolean isRegular() {
    return Linux.isRegular(mode);
  }

  public boolean isSymlink() {
    return Linux.isSymlink(mode);
  }

  /** The device this inode lives on, as glibc's dev_t. */
  public long device() {
    return Linux.makedev(devMajor, devMinor);
  }

  /** The device a device node stands for, as glibc's dev_t. */
  public long rdev() {
    return Linux.makedev(rdevMajor, rdevMinor);
  }

  /** The root of a btrfs subvolume always has inode 256. */
  public boolean isSubvolumeRoot() {
    return inode == 256 && isDirectory();
  }
}
