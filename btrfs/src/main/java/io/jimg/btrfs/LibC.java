package io.jimg.btrfs;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.u_int64_t;

/**
 * The glibc calls jimg makes. Names and paths are NUL-terminated byte arrays so that any file name survives.
 * Only {@link Native} loads this; every call saves errno for {@link Native#errno()}. Public only because jnr-ffi
 * generates its fast bytecode stubs in a class loader of its own, which cannot implement a package-private
 * interface (it then falls back to reflection, some 16 µs a call); it is not part of jimg's API.
 */
public interface LibC {
  @SaveError @Variadic(fixedCount = 3)
  int openat(int dirfd, @In byte[] path, int flags, int mode);

  @SaveError @Variadic(fixedCount = 1)
  long syscall(long number, long dirfd, @In byte[] path, @In byte[] how, long size);

  @SaveError
  int close(int fd);

  @SaveError
  int mkdirat(int dirfd, @In byte[] path, int mode);

  @SaveError
  int mknodat(int dirfd, @In byte[] path, int mode, @u_int64_t long dev);

  @SaveError
  int symlinkat(@In byte[] target, int dirfd, @In byte[] path);

  @SaveError
  long readlinkat(int dirfd, @In byte[] path, @Out byte[] buffer, long size);

  @SaveError
  int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

  @SaveError
  int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

  @SaveError
  int unlinkat(int dirfd, @In byte[] path, int flags);

  @SaveError
  int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);

  @SaveError
  int fchmod(int fd, int mode);

  @SaveError
  int chmod(@In byte[] path, int mode);

  @SaveError
  int utimensat(int dirfd, @In byte[] path, @In byte[] times, int flags);

  @SaveError
  int statx(int dirfd, @In byte[] path, int flags, int mask, @Out byte[] statx);

  @SaveError
  int fstatfs(int fd, @Out byte[] statfs);

  /** getdents64 into native memory, of which the caller copies out only what the kernel filled. */
  @SaveError
  long getdents64(int fd, Pointer buffer, long size);

  @SaveError
  long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, long size);

  @SaveError
  int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);

  @SaveError
  long llistxattr(@In byte[] path, @Out byte[] list, long size);

  @SaveError
  int lremovexattr(@In byte[] path, @In byte[] name);

  /** The following variants, used only on /proc/self/fd links, which they resolve to exactly the open inode. */
  @SaveError
  long getxattr(@In byte[] path, @In byte[] name, @Out byte[] value, long size);

  @SaveError
  int setxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);

  @SaveError
  long listxattr(@In byte[] path, @Out byte[] list, long size);

  @SaveError
  int removexattr(@In byte[] path, @In byte[] name);

  @SaveError
  long fgetxattr(int fd, @In byte[] name, @Out byte[] value, long size);

  @SaveError
  int fsetxattr(int fd, @In byte[] name, @In byte[] value, long size, int flags);

  @SaveError
  long flistxattr(int fd, @Out byte[] list, long size);

  @SaveError
  int fsync(int fd);

  @SaveError
  int syncfs(int fd);

  @SaveError
  int ftruncate(int fd, long length);

  @SaveError
  int fallocate(int fd, int mode, long offset, long length);

  @SaveError
  long lseek(int fd, long offset, int whence);

  @SaveError
  long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long length, int flags);

  @SaveError
  long sendfile(int fdOut, int fdIn, Pointer offset, long count);

  @SaveError
  long pread(int fd, @Out byte[] buffer, long count, long offset);

  @SaveError
  long pwrite(int fd, @In byte[] buffer, long count, long offset);

  /** pread and pwrite on native memory, which jnr-ffi passes by address instead of copying a whole array. */
  @SaveError
  long pread(int fd, Pointer buffer, long count, long offset);

  @SaveError
  long pwrite(int fd, Pointer buffer, long count, long offset);

  @SaveError @Variadic(fixedCount = 2)
  int ioctl(int fd, @u_int64_t long request, byte[] argument);

  /** An ioctl whose argument is a plain integer, such as FICLONE's source descriptor. */
  @SaveError @Variadic(fixedCount = 2)
  int ioctl(int fd, @u_int64_t long request, long argument);

  @SaveError @Variadic(fixedCount = 2)
  int fcntl(int fd, int command, byte[] argument);

  @SaveError
  int mount(@In byte[] source, @In byte[] target, @In byte[] type, @u_int64_t long flags, @In byte[] data);

  @SaveError
  int umount2(@In byte[] target, int flags);

  @SaveError
  int kill(int pid, int signal);
}
