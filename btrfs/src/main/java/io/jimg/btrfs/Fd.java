package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.AT_EMPTY_PATH;
import static io.jimg.btrfs.Linux.AT_REMOVEDIR;
import static io.jimg.btrfs.Linux.AT_SYMLINK_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_CLOEXEC;
import static io.jimg.btrfs.Linux.O_DIRECTORY;
import static io.jimg.btrfs.Linux.O_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_PATH;
import static io.jimg.btrfs.Linux.O_RDONLY;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

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
    return Stat.of(this);
  }

  /** statx of a name in this directory, not following a symlink. */
  public Stat stat(byte[] name) throws NativeException {
    return Stat.of(this, name);
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
    byte[] buffer = new byte[Layouts.Statfs.SIZE];
    NativeException.check(Native.libc().fstatfs(fd, buffer), "fstatfs", this);
    return Layouts.le(buffer).getLong(Layouts.Statfs.TYPE);
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
        Native.libc().utimensat(fd, Native.cString(name), Layouts.timespecs(accessed, modified), AT_SYMLINK_NOFOLLOW),
        "utimensat", this, name);
  }

  /** Sets the times of this descriptor itself (an O_PATH one of a symlink too). */
  public void setTimes(Instant accessed, Instant modified) throws NativeException {
    NativeException.check(Native.libc().utimensat(fd, new byte[1], Layouts.timespecs(accessed, modified),
        AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW), "utimensat", this);
  }

  // ---- extended attributes ----

  /** The xattr names of a name in this directory (its own, for a symlink), or of this descriptor for null. */
  public List<byte[]> xattrNames(byte[] name) throws NativeException {
    return Xattrs.names(this, name);
  }

  /** The xattr names of this open descriptor itself (not an O_PATH one), by flistxattr. */
  public List<byte[]> xattrNames() throws NativeException {
    return Xattrs.names(this);
  }

  /** One xattr's value of this open descriptor itself (not an O_PATH one); null where it does not exist. */
  public byte[] getXattr(byte[] attribute) throws NativeException {
    return Xattrs.get(this, attribute);
  }

  /** Sets one xattr of this open descriptor itself (not an O_PATH one), byte for byte. */
  public void setXattr(byte[] attribute, byte[] value) throws NativeException {
    Xattrs.set(this, attribute, value);
  }

  /** One xattr's value, byte for byte; null where it does not exist. A null name means this descriptor itself. */
  public byte[] getXattr(byte[] name, byte[] attribute) throws NativeException {
    return Xattrs.get(this, name, attribute);
  }

  /** Sets one xattr of a name in this directory (never following it), or of this descriptor for null. */
  public void setXattr(byte[] name, byte[] attribute, byte[] value) throws NativeException {
    Xattrs.set(this, name, attribute, value);
  }

  /** Removes one xattr of a name in this directory (never following it), or of this descriptor for null. */
  public void removeXattr(byte[] name, byte[] attribute) throws NativeException {
    Xattrs.remove(this, name, attribute);
  }

  /** This descriptor's /proc link, a path that reaches exactly the open file. */
  byte[] procSelf() {
    return ("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII);
  }

  // ---- directory listing ----

  /** The names in this directory (opened for reading), without {@code .} and {@code ..}, from the start. */
  public List<DirEntry> list() throws NativeException {
    return DirectoryListing.list(this);
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
    return FileData.regions(this, size);
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
    return FileData.copyRange(source, this, offset, length);
  }

  /** sendfile from {@code source} at {@code offset} to this file's current position; returns the bytes written. */
  public long sendFrom(Fd source, long offset, long length) throws NativeException {
    return FileData.send(source, this, offset, length);
  }

  /**
   * Reads up to {@code length} bytes at {@code position} into {@code buffer[offset..]}; returns how many, 0 at the
   * end of the file. Only the bytes read are copied, through this thread's native buffer (at most 1 MiB a call).
   */
  public int pread(byte[] buffer, int offset, int length, long position) throws NativeException {
    return FileData.pread(this, buffer, offset, length, position);
  }

  /** Reads up to {@code length} bytes at the descriptor's position (a pipe's, say); 0 at the end. */
  public int read(byte[] buffer, int offset, int length) throws NativeException {
    return FileData.read(this, buffer, offset, length);
  }

  /** Writes all of {@code buffer[offset..offset+length)} at {@code position}, copying only those bytes. */
  public void pwriteFully(byte[] buffer, int offset, int length, long position) throws NativeException {
    FileData.pwriteFully(this, buffer, offset, length, position);
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
    return OfdLocks.tryLock(this, kind);
  }

  /** Takes an OFD lock on the whole file, waiting for conflicting holders to let go. */
  public void lock(LockKind kind) throws NativeException {
    OfdLocks.lock(this, kind);
  }

  public void unlock() throws NativeException {
    OfdLocks.unlock(this);
  }

  /** Whether another open file description holds a lock that conflicts with {@code kind}. */
  public boolean isLockedByOthers(LockKind kind) throws NativeException {
    return OfdLocks.isLockedByOthers(this, kind);
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
