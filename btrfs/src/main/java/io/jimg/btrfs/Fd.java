package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.AT_EMPTY_PATH;
import static io.jimg.btrfs.Linux.AT_REMOVEDIR;
import static io.jimg.btrfs.Linux.AT_SYMLINK_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_CLOEXEC;
import static io.jimg.btrfs.Linux.O_DIRECTORY;
import static io.jimg.btrfs.Linux.O_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_PATH;
import static io.jimg.btrfs.Linux.O_RDONLY;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An open file descriptor and the path it was reached by (for error messages only). Every operation on a name
 * is relative to this descriptor and never follows a symlink in that name, so that nothing an untrusted image
 * holds can redirect jimg outside it. Names are byte arrays; the String overloads take UTF-8.
 */
public final class Fd implements AutoCloseable {
  private static final int DIRECTORY_READ = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

  private final int fd;
  /** Null until first asked for, where a name in a directory was opened: most never are, and text costs. */
  private String path;
  private final String parentPath;
  private final byte[] name;
  /**
   * Opened with O_PATH, which fchmod refuses (EBADF): {@link #chmod(int)} goes through the /proc link at once
   * instead of failing first. False where unknown (an adopted descriptor); chmod still falls back then.
   */
  private final boolean pathOnly;
  private boolean closed;

  private Fd(int fd, String path, int flags) {
    this.fd = fd;
    this.path = path;
    this.parentPath = null;
    this.name = null;
    this.pathOnly = (flags & O_PATH) != 0;
  }

  /** A descriptor reached by {@code name} in the directory shown as {@code parentPath}. */
  private Fd(int fd, String parentPath, byte[] name, int flags) {
    this.fd = fd;
    this.parentPath = parentPath;
    this.name = name;
    this.pathOnly = (flags & O_PATH) != 0;
  }

  /** Opens an absolute or working-directory-relative path; symlinks in it are followed, as a user expects. */
  public static Fd open(Path path, int flags) throws NativeException {
    return open(path, flags, 0);
  }

  /** Like {@link #open(Path, int)}, with the mode a file it creates gets (less the umask). */
  public static Fd open(Path path, int flags, int mode) throws NativeException {
    byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
    int result = Native.libc().openat(Linux.AT_FDCWD, Native.cString(bytes), flags | O_CLOEXEC, mode);
    NativeException.check(result, "openat", path.toString());
    return new Fd(result, path.toString(), flags);
  }

  /** Opens a directory for reading, listing and ioctls. */
  public static Fd openDirectory(Path path) throws NativeException {
    return open(path, O_RDONLY | O_DIRECTORY);
  }

  /** Adopts a descriptor this process already owns. */
  static Fd adopt(int fd, String path) {
    return new Fd(fd, path, 0);
  }

  /** Adopts a descriptor this process opened with {@code flags}. */
  static Fd adopt(int fd, String path, int flags) {
    return new Fd(fd, path, flags);
  }

  public int fd() {
    return fd;
  }

  /** The path this descriptor was reached by, for messages. The file may have been renamed since. */
  public String path() {
    String shown = path;
    if (shown == null) {
      shown = FileNames.child(parentPath, name);
      path = shown;
    }
    return shown;
  }

  /** The display path of a name inside this directory. */
  public String pathOf(byte[] name) {
    return FileNames.child(path(), name);
  }

  // ---- opening ----

  public Fd open(byte[] name, int flags, int mode) throws NativeException {
    int result = Native.libc().openat(fd, Native.cString(name), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    NativeException.check(result, "openat", this, name);
    return new Fd(result, path(), name, flags);
  }

  public Fd open(byte[] name, int flags) throws NativeException {
    return open(name, flags, 0);
  }

  public Fd open(String name, int flags) throws NativeException {
    return open(FileNames.bytes(name), flags, 0);
  }

  /** Opens a subdirectory (never through a symlink) for reading, listing and ioctls. */
  public Fd openDirectory(byte[] name) throws NativeException {
    return open(name, DIRECTORY_READ, 0);
  }

  public Fd openDirectory(String name) throws NativeException {
    return openDirectory(FileNames.bytes(name));
  }

  /** An O_PATH handle on a name itself, symlinks included. */
  public Fd openPath(byte[] name) throws NativeException {
    return open(name, O_PATH, 0);
  }

  /**
   * Opens a relative path of several components with the kernel's resolver (openat2), or with an equivalent
   * component-by-component walk where the kernel lacks openat2. With {@link Linux#RESOLVE_IN_ROOT} symlinks and
   * {@code ..} are resolved as if this directory were the root; with {@link Linux#RESOLVE_NO_SYMLINKS} any
   * symlink fails with ELOOP. Pass {@link Linux#RESOLVE_IN_ROOT} or {@link Linux#RESOLVE_BENEATH}: without either,
   * the walk refuses a symlink (ELOOP) and {@code ..} above this directory (EXDEV) where openat2 would follow them.
   */
  public Fd resolve(byte[] relativePath, int flags, int mode, long resolve) throws NativeException {
    return Resolver.resolve(this, relativePath, flags | O_CLOEXEC, mode, resolve);
  }

  public Fd resolve(String relativePath, int flags, long resolve) throws NativeException {
    return resolve(FileNames.bytes(relativePath), flags, 0, resolve);
  }

  // ---- metadata ----

  /** statx of this descriptor itself. */
  public Stat stat() throws NativeException {
    byte[] buffer = new byte[Layouts.Statx.SIZE];
    int result = Native.libc().statx(fd, new byte[1], AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
        Layouts.Statx.MASK_BASIC_AND_BTIME | Layouts.Statx.STATX_MNT_ID, buffer);
    NativeException.check(result, "statx", this);
    return Stat.parse(buffer);
  }

  /** statx of a name in this directory, not following a symlink. */
  public Stat stat(byte[] name) throws NativeException {
    byte[] buffer = new byte[Layouts.Statx.SIZE];
    int result = Native.libc().statx(fd, Native.cString(name), AT_SYMLINK_NOFOLLOW,
        Layouts.Statx.MASK_BASIC_AND_BTIME | Layouts.Statx.STATX_MNT_ID, buffer);
    NativeException.check(result, "statx", this, name);
    return Stat.parse(buffer);
  }

  public Stat stat(String name) throws NativeException {
    return stat(FileNames.bytes(name));
  }

  /** Like {@link #stat(byte[])}, but null where the name does not exist. */
  public Stat statIfExists(byte[] name) throws NativeException {
    try {
      return stat(name);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return null;
      }
      throw e;
    }
  }

  public Stat statIfExists(String name) throws NativeException {
    return statIfExists(FileNames.bytes(name));
  }

  /** The filesystem's magic number (statfs f_type). */
  public long filesystemType() throws NativeException {
    return statfs().getLong(Layouts.Statfs.TYPE);
  }

  private ByteBuffer statfs() throws NativeException {
    byte[] buffer = new byte[Layouts.Statfs.SIZE];
    NativeException.check(Native.libc().fstatfs(fd, buffer), "fstatfs", this);
    return Layouts.le(buffer);
  }

  // ---- creating and removing names ----

  public void mkdir(byte[] name, int mode) throws NativeException {
    NativeException.check(Native.libc().mkdirat(fd, Native.cString(name), mode), "mkdirat", this, name);
  }

  public void mkdir(String name, int mode) throws NativeException {
    mkdir(FileNames.bytes(name), mode);
  }

  /** Creates a device node, fifo or socket; {@code mode} carries the type bits, {@code device} is a dev_t. */
  public void mknod(byte[] name, int mode, long device) throws NativeException {
    NativeException.check(Native.libc().mknodat(fd, Native.cString(name), mode, device), "mknodat", this, name);
  }

  public void symlink(byte[] target, byte[] name) throws NativeException {
    NativeException.check(Native.libc().symlinkat(Native.cString(target), fd, Native.cString(name)),
        "symlinkat", this, name);
  }

  public byte[] readlink(byte[] name) throws NativeException {
    for (int size = 256; ; size *= 4) {
      byte[] buffer = new byte[size];
      long length = NativeException.check(
          Native.libc().readlinkat(fd, Native.cString(name), buffer, size), "readlinkat", this, name);
      if (length < size) {
        byte[] target = new byte[(int) length];
        System.arraycopy(buffer, 0, target, 0, (int) length);
        return target;
      }
    }
  }

  /** A hard link {@code to} in {@code toDirectory} of the name {@code from} here (never following a symlink). */
  public void link(byte[] from, Fd toDirectory, byte[] to) throws NativeException {
    NativeException.check(
        Native.libc().linkat(fd, Native.cString(from), toDirectory.fd, Native.cString(to), 0),
        "linkat", toDirectory.pathOf(to));
  }

  /** Gives this open file (an O_TMPFILE, say) a name in {@code directory}. */
  public void linkInto(Fd directory, byte[] name) throws NativeException {
    NativeException.check(
        Native.libc().linkat(fd, new byte[1], directory.fd, Native.cString(name), AT_EMPTY_PATH),
        "linkat", directory.pathOf(name));
  }

  /** renameat2 with {@link Linux#RENAME_NOREPLACE}, {@link Linux#RENAME_EXCHANGE} or 0. */
  public void rename(byte[] from, Fd toDirectory, byte[] to, int flags) throws NativeException {
    NativeException.check(
        Native.libc().renameat2(fd, Native.cString(from), toDirectory.fd, Native.cString(to), flags),
        "renameat2", pathOf(from) + " -> " + toDirectory.pathOf(to));
  }

  public void rename(String from, Fd toDirectory, String to, int flags) throws NativeException {
    rename(FileNames.bytes(from), toDirectory, FileNames.bytes(to), flags);
  }

  public void unlink(byte[] name) throws NativeException {
    NativeException.check(Native.libc().unlinkat(fd, Native.cString(name), 0), "unlinkat", this, name);
  }

  public void unlink(String name) throws NativeException {
    unlink(FileNames.bytes(name));
  }

  public void rmdir(byte[] name) throws NativeException {
    NativeException.check(Native.libc().unlinkat(fd, Native.cString(name), AT_REMOVEDIR), "unlinkat", this, name);
  }

  // ---- ownership, modes and times ----

  /** lchown of a name: a symlink's own owner changes. */
  public void chown(byte[] name, int uid, int gid) throws NativeException {
    NativeException.check(Native.libc().fchownat(fd, Native.cString(name), uid, gid, AT_SYMLINK_NOFOLLOW),
        "fchownat", this, name);
  }

  /** chown of this descriptor itself (an O_PATH one too). */
  public void chown(int uid, int gid) throws NativeException {
    NativeException.check(Native.libc().fchownat(fd, new byte[1], uid, gid, AT_EMPTY_PATH), "fchownat", this);
  }

  /** chmod of this descriptor itself; an O_PATH descriptor goes through its /proc link, as fchmod refuses it. */
  public void chmod(int mode) throws NativeException {
    int result = pathOnly ? -1 : Native.libc().fchmod(fd, mode);
    if (pathOnly || result < 0 && Native.errno() == Linux.EBADF) {
      result = Native.libc().chmod(Native.cString(procSelf()), mode);
    }
    NativeException.check(result, "fchmod", this);
  }

  /** chmod of a name that is not a symlink (symlinks have no mode of their own on Linux). */
  public void chmod(byte[] name, int mode) throws NativeException {
    try (Fd file = openPath(name)) {
      file.chmod(mode);
    }
  }

  /** Sets access and modification times to the nanosecond on a name, not following a symlink. */
  public void setTimes(byte[] name, Instant accessed, Instant modified) throws NativeException {
    NativeException.check(
        Native.libc().utimensat(fd, Native.cString(name), timespecs(accessed, modified), AT_SYMLINK_NOFOLLOW),
        "utimensat", this, name);
  }

  /** Sets the times of this descriptor itself (an O_PATH one of a symlink too). */
  public void setTimes(Instant accessed, Instant modified) throws NativeException {
    NativeException.check(
        Native.libc().utimensat(fd, new byte[1], timespecs(accessed, modified), AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW),
        "utimensat", this);
  }

  private static byte[] timespecs(Instant accessed, Instant modified) {
    byte[] times = new byte[32];
    ByteBuffer b = Layouts.le(times);
    b.putLong(0, accessed.getEpochSecond()).putLong(8, accessed.getNano());
    b.putLong(16, modified.getEpochSecond()).putLong(24, modified.getNano());
    return times;
  }

  // ---- extended attributes ----

  /** The xattr names of a name in this directory (its own, for a symlink), or of this descriptor for null. */
  public List<byte[]> xattrNames(byte[] name) throws NativeException {
    byte[] target = xattrTarget(name);
    LibC libc = Native.libc();
    List<byte[]> names = xattrNames(name == null
        ? (buffer, size) -> libc.listxattr(target, buffer, size)
        : (buffer, size) -> libc.llistxattr(target, buffer, size));
    if (names == null) {
      throw new NativeException("llistxattr", xattrPath(name), Native.errno());
    }
    return names;
  }

  /** The xattr names of this open descriptor itself (not an O_PATH one), by flistxattr. */
  public List<byte[]> xattrNames() throws NativeException {
    LibC libc = Native.libc();
    List<byte[]> names = xattrNames((buffer, size) -> libc.flistxattr(fd, buffer, size));
    if (names == null) {
      throw new NativeException("flistxattr", path(), Native.errno());
    }
    return names;
  }

  private interface XattrList {
    long list(byte[] buffer, long size);
  }

  /**
   * Asks for the size of the list first: most files have no xattrs, and that call answers for them without a
   * buffer to fill and copy back. Null where a call failed, its errno still this thread's.
   */
  private static List<byte[]> xattrNames(XattrList call) {
    while (true) {
      long size = call.list(null, 0);
      if (size == 0 || size < 0 && Native.errno() == Linux.EOPNOTSUPP) {
        return List.of();
      }
      if (size < 0) {
        return null;
      }
      byte[] buffer = new byte[(int) size];
      long length = call.list(buffer, size);
      if (length < 0 && Native.errno() == Linux.ERANGE) {
        continue; // names were added in between
      }
      if (length < 0 && Native.errno() == Linux.EOPNOTSUPP) {
        return List.of();
      }
      if (length < 0) {
        return null;
      }
      return splitNames(buffer, (int) length);
    }
  }

  private static List<byte[]> splitNames(byte[] buffer, int length) {
    if (length == 0) {
      return List.of();
    }
    List<byte[]> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (buffer[i] == 0) {
        byte[] attribute = new byte[i - start];
        System.arraycopy(buffer, start, attribute, 0, attribute.length);
        names.add(attribute);
        start = i + 1;
      }
    }
    return names;
  }

  /** One xattr's value of this open descriptor itself (not an O_PATH one); null where it does not exist. */
  public byte[] getXattr(byte[] attribute) throws NativeException {
    byte[] attributeC = Native.cString(attribute);
    return XattrValue.read((buffer, size) -> Native.libc().fgetxattr(fd, attributeC, buffer, size),
        "fgetxattr " + FileNames.show(attribute), this::path);
  }

  /** Sets one xattr of this open descriptor itself (not an O_PATH one), byte for byte. */
  public void setXattr(byte[] attribute, byte[] value) throws NativeException {
    NativeException.check(Native.libc().fsetxattr(fd, Native.cString(attribute), value, value.length, 0),
        "fsetxattr " + FileNames.show(attribute), this);
  }

  /** One xattr's value, byte for byte; null where it does not exist. */
  public byte[] getXattr(byte[] name, byte[] attribute) throws NativeException {
    byte[] target = xattrTarget(name);
    byte[] attributeC = Native.cString(attribute);
    LibC libc = Native.libc();
    return XattrValue.read(name == null
        ? (buffer, size) -> libc.getxattr(target, attributeC, buffer, size)
        : (buffer, size) -> libc.lgetxattr(target, attributeC, buffer, size),
        "lgetxattr " + FileNames.show(attribute), () -> xattrPath(name));
  }

  public void setXattr(byte[] name, byte[] attribute, byte[] value) throws NativeException {
    byte[] target = xattrTarget(name);
    byte[] attributeC = Native.cString(attribute);
    int result = name == null
        ? Native.libc().setxattr(target, attributeC, value, value.length, 0)
        : Native.libc().lsetxattr(target, attributeC, value, value.length, 0);
    NativeException.check(result, "lsetxattr " + FileNames.show(attribute), xattrPath(name));
  }

  public void removeXattr(byte[] name, byte[] attribute) throws NativeException {
    byte[] target = xattrTarget(name);
    byte[] attributeC = Native.cString(attribute);
    int result = name == null
        ? Native.libc().removexattr(target, attributeC)
        : Native.libc().lremovexattr(target, attributeC);
    NativeException.check(result, "lremovexattr " + FileNames.show(attribute), xattrPath(name));
  }

  /**
   * The l*xattr calls take a path, so a name is reached through this directory's /proc link: the parent is
   * this very descriptor, and the last component is never followed. A null name means this descriptor itself,
   * whatever it is (a file, an O_PATH symlink): its /proc link, which the following *xattr calls resolve to
   * exactly the open inode and never beyond.
   */
  private byte[] xattrTarget(byte[] name) {
    byte[] self = procSelf();
    if (name == null) {
      return Native.cString(self);
    }
    byte[] joined = new byte[self.length + 1 + name.length];
    System.arraycopy(self, 0, joined, 0, self.length);
    joined[self.length] = '/';
    System.arraycopy(name, 0, joined, self.length + 1, name.length);
    return Native.cString(joined);
  }

  private String xattrPath(byte[] name) {
    return name == null ? path() : pathOf(name);
  }

  private byte[] procSelf() {
    return ("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII);
  }

  // ---- directory listing ----

  /** The names in this directory (opened for reading), without {@code .} and {@code ..}, from the start. */
  public List<DirEntry> list() throws NativeException {
    NativeException.check(Native.libc().lseek(fd, 0, Linux.SEEK_SET), "lseek", this);
    List<DirEntry> entries = new ArrayList<>();
    // The kernel fills native memory and only what it filled is copied out: a byte[] argument would have the
    // whole buffer copied back on every call, which dominated the cost of listing small directories.
    Pointer dirents = NativeBuffers.DIRENTS.get();
    byte[] buffer = NativeBuffers.DIRENT_COPY.get();
    ByteBuffer b = Layouts.le(buffer);
    while (true) {
      long length = NativeException.check(
          Native.libc().getdents64(fd, dirents, NativeBuffers.DIRENT_SIZE), "getdents64", this);
      if (length == 0) {
        return entries;
      }
      dirents.get(0, buffer, 0, (int) length);
      for (int offset = 0; offset < length; ) {
        int recordLength = Short.toUnsignedInt(b.getShort(offset + Layouts.Dirent64.RECLEN));
        int nameStart = offset + Layouts.Dirent64.NAME;
        int nameEnd = nameStart;
        while (buffer[nameEnd] != 0) {
          nameEnd++;
        }
        byte[] name = new byte[nameEnd - nameStart];
        System.arraycopy(buffer, nameStart, name, 0, name.length);
        if (!FileNames.isDotOrDotDot(name)) {
          entries.add(new DirEntry(name, b.getLong(offset + Layouts.Dirent64.INO),
              Byte.toUnsignedInt(buffer[offset + Layouts.Dirent64.TYPE])));
        }
        offset += recordLength;
      }
    }
  }

  // ---- data ----

  public void fsync() throws NativeException {
    NativeException.check(Native.libc().fsync(fd), "fsync", this);
  }

  /** Flushes the whole filesystem this descriptor is on; cheaper than an fsync per file after a large copy. */
  public void syncfs() throws NativeException {
    NativeException.check(Native.libc().syncfs(fd), "syncfs", this);
  }

  public void truncate(long length) throws NativeException {
    NativeException.check(Native.libc().ftruncate(fd, length), "ftruncate", this);
  }

  public void fallocate(int mode, long offset, long length) throws NativeException {
    NativeException.check(Native.libc().fallocate(fd, mode, offset, length), "fallocate", this);
  }

  /** Deallocates a range, keeping the size: the range reads back as zeros and takes no space. */
  public void punchHole(long offset, long length) throws NativeException {
    fallocate(Linux.FALLOC_FL_PUNCH_HOLE | Linux.FALLOC_FL_KEEP_SIZE, offset, length);
  }

  /**
   * Asks the kernel to start reading the file into the page cache (POSIX_FADV_WILLNEED) and returns without
   * waiting for the data, though it may wait for the metadata that locates it.
   */
  public void willNeed() throws NativeException {
    int error = Native.libc().posix_fadvise(fd, 0, 0, Linux.POSIX_FADV_WILLNEED);
    if (error != 0) {
      throw new NativeException("posix_fadvise", path(), error);
    }
  }

  /** lseek; SEEK_DATA and SEEK_HOLE past the last data answer -1 instead of throwing ENXIO. */
  public long seek(long offset, int whence) throws NativeException {
    long result = Native.libc().lseek(fd, offset, whence);
    if (result < 0 && Native.errno() == Linux.ENXIO) {
      return -1;
    }
    return NativeException.check(result, "lseek", this);
  }

  /**
   * Where this file's first {@code size} bytes hold data, found with SEEK_DATA and SEEK_HOLE: pairs of offset and
   * length in one array, holes left out. A file that grows meanwhile is cut at {@code size}.
   */
  public long[] dataRegions(long size) throws NativeException {
    long[] regions = new long[16];
    int count = 0;
    for (long data = seek(0, Linux.SEEK_DATA); data >= 0 && data < size; ) {
      long hole = seek(data, Linux.SEEK_HOLE);
      if (hole <= data || hole > size) {
        hole = size;
      }
      if (count + 2 > regions.length) {
        regions = Arrays.copyOf(regions, regions.length * 2);
      }
      regions[count++] = data;
      regions[count++] = hole - data;
      data = hole >= size ? -1 : seek(hole, Linux.SEEK_DATA);
    }
    return Arrays.copyOf(regions, count);
  }

  private static final long FICLONE = 0x40049409L;

  /** Makes this file (open for writing) share all of {@code source}'s extents: a reflink, where the filesystem can. */
  public void cloneFrom(Fd source) throws NativeException {
    NativeException.check(Native.libc().ioctl(fd, FICLONE, source.fd), "FICLONE", this);
  }

  /**
   * copy_file_range from {@code source} at {@code offset} to the same offset in this file: the kernel copies, and
   * shares extents where the filesystem can. Returns the bytes copied, 0 at the end of the source.
   */
  public long copyRangeFrom(Fd source, long offset, long length) throws NativeException {
    Pointer offsets = NativeBuffers.OFFSETS.get();
    offsets.putLong(0, offset);
    offsets.putLong(8, offset);
    return NativeException.check(
        Native.libc().copy_file_range(source.fd, offsets, fd, offsets.slice(8), length, 0), "copy_file_range", this);
  }

  /** sendfile from {@code source} at {@code offset} to this file's current position; returns the bytes written. */
  public long sendFrom(Fd source, long offset, long length) throws NativeException {
    Pointer offsets = NativeBuffers.OFFSETS.get();
    offsets.putLong(0, offset);
    return NativeException.check(Native.libc().sendfile(fd, source.fd, offsets, length), "sendfile", this);
  }

  /** Native memory the kernel writes into, one set per thread, so that no call allocates or copies more than it needs. */
  private static final class NativeBuffers {
    static final int DIRENT_SIZE = 32 * 1024;
    /** loff_t cells for the offsets copy_file_range and sendfile advance. */
    static final ThreadLocal<Pointer> OFFSETS = ThreadLocal.withInitial(
        () -> Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 16, true));
    static final ThreadLocal<Pointer> DIRENTS = ThreadLocal.withInitial(
        () -> Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), DIRENT_SIZE, false));
    static final ThreadLocal<byte[]> DIRENT_COPY = ThreadLocal.withInitial(() -> new byte[DIRENT_SIZE]);
    static final int DATA_SIZE = 1 << 20;
    /** File data on its way between a Java array and the kernel. */
    static final ThreadLocal<Pointer> DATA = ThreadLocal.withInitial(
        () -> Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), DATA_SIZE, false));
  }

  /**
   * Reads up to {@code length} bytes at {@code position} into {@code buffer[offset..]}; returns how many, 0 at the
   * end of the file. Only the bytes read are copied, through this thread's native buffer (at most 1 MiB a call).
   */
  public int pread(byte[] buffer, int offset, int length, long position) throws NativeException {
    Pointer data = NativeBuffers.DATA.get();
    long n = NativeException.check(
        Native.libc().pread(fd, data, Math.min(length, NativeBuffers.DATA_SIZE), position), "pread", this);
    data.get(0, buffer, offset, (int) n);
    return (int) n;
  }

  /** Writes all of {@code buffer[offset..offset+length)} at {@code position}, copying only those bytes. */
  public void pwriteFully(byte[] buffer, int offset, int length, long position) throws NativeException {
    Pointer data = NativeBuffers.DATA.get();
    int done = 0;
    while (done < length) {
      int piece = Math.min(length - done, NativeBuffers.DATA_SIZE);
      data.put(0, buffer, offset + done, piece);
      int written = 0;
      while (written < piece) {
        written += (int) NativeException.check(Native.libc().pwrite(fd, written == 0 ? data : data.slice(written), piece - written,
            position + done + written), "pwrite", this);
      }
      done += piece;
    }
  }

  /** {@link #pread(byte[], int, int, long)} into the start of {@code buffer}. */
  public int pread(byte[] buffer, int length, long offset) throws NativeException {
    return pread(buffer, 0, length, offset);
  }

  /** {@link #pwriteFully(byte[], int, int, long)} from the start of {@code buffer}. */
  public void pwriteFully(byte[] buffer, int length, long offset) throws NativeException {
    pwriteFully(buffer, 0, length, offset);
  }

  // ---- control ----

  /** An ioctl whose argument is a struct in {@code argument}; returns the call's non-negative result. */
  public int ioctl(long request, byte[] argument, String call) throws NativeException {
    return (int) NativeException.check(Native.libc().ioctl(fd, request, argument), call, this);
  }

  /** An ioctl on this directory that acts on one of its names, so that an error names that child. */
  int ioctlOn(long request, byte[] argument, String call, byte[] name) throws NativeException {
    return (int) NativeException.check(Native.libc().ioctl(fd, request, argument), call, this, name);
  }

  /** Takes an OFD lock on the whole file without waiting; false where another holder has a conflicting one. */
  public boolean tryLock(LockKind kind) throws NativeException {
    int result = Native.libc().fcntl(fd, F_OFD_SETLK, flock(kind.flockType));
    if (result < 0 && (Native.errno() == Linux.EAGAIN || Native.errno() == Linux.EACCES)) {
      return false;
    }
    NativeException.check(result, "fcntl F_OFD_SETLK", this);
    return true;
  }

  /** Takes an OFD lock on the whole file, waiting for conflicting holders to let go. */
  public void lock(LockKind kind) throws NativeException {
    while (true) {
      int result = Native.libc().fcntl(fd, F_OFD_SETLKW, flock(kind.flockType));
      if (result < 0 && Native.errno() == Linux.EINTR) {
        continue;
      }
      NativeException.check(result, "fcntl F_OFD_SETLKW", this);
      return;
    }
  }

  public void unlock() throws NativeException {
    NativeException.check(Native.libc().fcntl(fd, F_OFD_SETLK, flock(LockKind.UNLOCK)), "fcntl F_OFD_SETLK", this);
  }

  /** Whether another open file description holds a lock that conflicts with {@code kind}. */
  public boolean isLockedByOthers(LockKind kind) throws NativeException {
    byte[] flock = flock(kind.flockType);
    NativeException.check(Native.libc().fcntl(fd, F_OFD_GETLK, flock), "fcntl F_OFD_GETLK", this);
    return Layouts.le(flock).getShort(Layouts.Flock.TYPE) != LockKind.UNLOCK;
  }

  static final int F_OFD_GETLK = 36;
  private static final int F_OFD_SETLK = 37;
  private static final int F_OFD_SETLKW = 38;

  private static byte[] flock(short type) {
    byte[] flock = new byte[Layouts.Flock.SIZE];
    Layouts.le(flock).putShort(Layouts.Flock.TYPE, type).putShort(Layouts.Flock.WHENCE, (short) Linux.SEEK_SET);
    return flock;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Native.libc().close(fd);
    }
  }

  @Override
  public String toString() {
    return "Fd(" + fd + ", " + path() + ")";
  }
}
