package io.jimg.btrfs;

/** Flags of the Linux calls jimg makes (x86_64 and arm64 agree on all of them). */
public final class Linux {
  private Linux() {}

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOCTTY = 0400;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_NOATIME = 01000000;
  public static final int O_PATH = 010000000;
  public static final int O_TMPFILE = 020200000;

  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_REMOVEDIR = 0x200;
  public static final int AT_SYMLINK_FOLLOW = 0x400;
  public static final int AT_EMPTY_PATH = 0x1000;

  public static final int RENAME_NOREPLACE = 1;
  public static final int RENAME_EXCHANGE = 2;

  public static final long RESOLVE_NO_XDEV = 0x01;
  public static final long RESOLVE_NO_MAGICLINKS = 0x02;
  public static final long RESOLVE_NO_SYMLINKS = 0x04;
  public static final long RESOLVE_BENEATH = 0x08;
  public static final long RESOLVE_IN_ROOT = 0x10;

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  public static final int XATTR_CREATE = 1;
  public static final int XATTR_REPLACE = 2;
  /** The largest xattr value the kernel stores or returns. */
  public static final int XATTR_SIZE_MAX = 65536;

  public static final int FALLOC_FL_KEEP_SIZE = 1;
  public static final int FALLOC_FL_PUNCH_HOLE = 2;

  public static final int SEEK_SET = 0;
  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;

  public static final int POSIX_FADV_WILLNEED = 3;

  public static final long MS_PRIVATE = 1 << 18;
  public static final int MNT_DETACH = 2;

  public static final int OPEN_TREE_CLONE = 1;
  public static final int MOVE_MOUNT_F_EMPTY_PATH = 0x04;
  public static final int MOVE_MOUNT_T_EMPTY_PATH = 0x40;
  public static final long MOUNT_ATTR_RDONLY = 0x1;

  /** statfs f_type of procfs. */
  public static final long PROC_SUPER_MAGIC = 0x9fa0;

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ENOTTY = 25;
  public static final int EFBIG = 27;
  public static final int ENOSPC = 28;
  public static final int EROFS = 30;
  public static final int EMLINK = 31;
  public static final int ERANGE = 34;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int EBADFD = 77;
  public static final int EOPNOTSUPP = 95;
  public static final int ESTALE = 116;
  public static final int EDQUOT = 122;

  public static boolean isDirectory(int mode) {
    return (mode & S_IFMT) == S_IFDIR;
  }

  public static boolean isRegular(int mode) {
    return (mode & S_IFMT) == S_IFREG;
  }

  public static boolean isSymlink(int mode) {
    return (mode & S_IFMT) == S_IFLNK;
  }

  public static boolean isDevice(int mode) {
    int type = mode & S_IFMT;
    return type == S_IFBLK || type == S_IFCHR;
  }

  /** glibc's makedev: the dev_t that mknod takes. */
  public static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }
}
