package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * Every kernel struct jimg reads or writes, by offset, in one place (x86_64 and arm64 share these layouts;
 * the btrfs ones are checked against linux/btrfs.h). Buffers are little-endian byte arrays.
 */
final class Layouts {
  private Layouts() {}

  static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** struct timespec[2] as utimensat takes them: access time, then modification time. */
  static byte[] timespecs(Instant accessed, Instant modified) {
    byte[] times = new byte[32];
    ByteBuffer b = le(times);
    b.putLong(0, accessed.getEpochSecond()).putLong(8, accessed.getNano());
    b.putLong(16, modified.getEpochSecond()).putLong(24, modified.getNano());
    return times;
  }

  /** struct statx. */
  static final class Statx {
    static final int SIZE = 256;
    static final int MASK_BASIC_AND_BTIME = 0x0fff;
    static final int NLINK = 16;
    static final int UID = 20;
    static final int GID = 24;
    static final int MODE = 28;
    static final int INO = 32;
    static final int SIZE_BYTES = 40;
    static final int BLOCKS = 48;
    static final int ATIME = 64;
    static final int BTIME = 80;
    static final int CTIME = 96;
    static final int MTIME = 112;
    static final int RDEV_MAJOR = 128;
    static final int RDEV_MINOR = 132;
    static final int DEV_MAJOR = 136;
    static final int DEV_MINOR = 140;
    static final int MNT_ID = 144;
    static final int MASK = 0;
    static final int STATX_BTIME = 0x800;
    static final int STATX_MNT_ID = 0x1000;
  }

  /** struct statfs (64-bit). */
  static final class Statfs {
    static final int SIZE = 120;
    static final int TYPE = 0;
    static final int BSIZE = 8;
    static final int BLOCKS = 16;
    static final int BFREE = 24;
    static final int BAVAIL = 32;
    static final int FILES = 40;
    static final int FFREE = 48;
  }

  /** struct open_how for openat2. */
  static final class OpenHow {
    static final int SIZE = 24;
    static final int FLAGS = 0;
    static final int MODE = 8;
    static final int RESOLVE = 16;
  }

  /** struct mount_attr for mount_setattr (MOUNT_ATTR_SIZE_VER0). */
  static final class MountAttr {
    static final int SIZE = 32;
    static final int ATTR_SET = 0;
    static final int PROPAGATION = 16;
  }

  /** struct flock for OFD locks. */
  static final class Flock {
    static final int SIZE = 32;
    static final int TYPE = 0;
    static final int WHENCE = 2;
    static final int START = 8;
    static final int LEN = 16;
    static final int PID = 24;
  }

  /** struct linux_dirent64. */
  static final class Dirent64 {
    static final int INO = 0;
    static final int RECLEN = 16;
    static final int TYPE = 18;
    static final int NAME = 19;
  }

  /** struct btrfs_ioctl_vol_args (SUBVOL_CREATE, SNAP_DESTROY). */
  static final class VolArgs {
    static final int SIZE = 4096;
    static final int FD = 0;
    static final int NAME = 8;
    static final int NAME_MAX = 4087;
  }

  /** struct btrfs_ioctl_vol_args_v2 (SNAP_CREATE_V2). */
  static final class VolArgsV2 {
    static final int SIZE = 4096;
    static final int FD = 0;
    static final int TRANSID = 8;
    static final int FLAGS = 16;
    static final int NAME = 56;
    static final int NAME_MAX = 4039;
    static final long FLAG_RDONLY = 2;
  }

  /** struct btrfs_ioctl_get_subvol_info_args. */
  static final class SubvolInfo {
    static final int SIZE = 504;
    static final int TREE_ID = 0;
    static final int NAME = 8;
    static final int PARENT_ID = 264;
    static final int DIR_ID = 272;
    static final int GENERATION = 280;
    static final int FLAGS = 288;
    static final int UUID = 296;
    static final int PARENT_UUID = 312;
    static final int RECEIVED_UUID = 328;
    static final int CTRANSID = 344;
    static final int OTRANSID = 352;
    static final int STRANSID = 360;
    static final int RTRANSID = 368;
    static final int CTIME = 376;
    static final int OTIME = 392;
    static final long FLAG_RDONLY = 1;
  }

  /** struct btrfs_ioctl_ino_lookup_args. */
  static final class InoLookup {
    static final int SIZE = 4096;
    static final int TREE_ID = 0;
    static final int OBJECT_ID = 8;
    static final int NAME = 16;
  }

  /** struct btrfs_ioctl_search_args: a 104-byte key, then a 3992-byte result buffer. */
  static final class Search {
    static final int SIZE = 4096;
    static final int TREE_ID = 0;
    static final int MIN_OBJECTID = 8;
    static final int MAX_OBJECTID = 16;
    static final int MIN_OFFSET = 24;
    static final int MAX_OFFSET = 32;
    static final int MIN_TRANSID = 40;
    static final int MAX_TRANSID = 48;
    static final int MIN_TYPE = 56;
    static final int MAX_TYPE = 60;
    static final int NR_ITEMS = 64;
    static final int BUFFER = 104;
    /** struct btrfs_ioctl_search_header, before each item. */
    static final int HEADER_SIZE = 32;
    static final int HEADER_OBJECTID = 8;
    static final int HEADER_OFFSET = 16;
    static final int HEADER_TYPE = 24;
    static final int HEADER_LEN = 28;
  }

  /** struct btrfs_root_ref (ROOT_BACKREF items). */
  static final class RootRef {
    static final int DIR_ID = 0;
    static final int NAME_LEN = 16;
    static final int NAME = 18;
  }

  /** struct btrfs_qgroup_info_item. */
  static final class QgroupInfo {
    static final int REFERENCED = 8;
    static final int EXCLUSIVE = 24;
  }

  /** struct btrfs_qgroup_limit_item and the limit part of btrfs_ioctl_qgroup_limit_args. */
  static final class QgroupLimit {
    static final int ARGS_SIZE = 48;
    static final int ARGS_QGROUP_ID = 0;
    static final int ARGS_FLAGS = 8;
    static final int ARGS_MAX_REFERENCED = 16;
    static final int ARGS_MAX_EXCLUSIVE = 24;
    static final int ITEM_FLAGS = 0;
    static final int ITEM_MAX_REFERENCED = 8;
    static final int ITEM_MAX_EXCLUSIVE = 16;
    static final long FLAG_MAX_REFERENCED = 1;
    static final long FLAG_MAX_EXCLUSIVE = 2;
  }

  /** struct btrfs_qgroup_status_item. */
  static final class QgroupStatus {
    static final int FLAGS = 16;
    static final long FLAG_ON = 1;
    static final long FLAG_RESCAN = 2;
    static final long FLAG_INCONSISTENT = 4;
    static final long FLAG_SIMPLE_MODE = 8;
  }
}
