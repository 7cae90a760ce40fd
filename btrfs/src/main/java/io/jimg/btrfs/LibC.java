package io.jimg.btrfs;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Variadic;

/**
 * The glibc calls jimg makes. Names and paths are NUL-terminated byte arrays so that any file name survives.
 * Only {@link Native} loads this; every call saves errno for {@link Native#errno()}, as jnr-ffi does unless told
 * otherwise. Annotations are kept to those that change a call (each kind read costs a command's start some
 * milliseconds): unsigned 64-bit arguments are plain longs, which pass the same bits. Public only because jnr-ffi
 * generates its fast bytecode stubs in a class loader of its own, which cannot implement a package-private
 * interface (it then falls back to reflection, some 16 µs a call); it is not part of jimg's API.
 */
public interface LibC {
  @Variadic(fixedCount = 3)
  int openat(int dirfd, @In byte[] path, int flags, int mode);

  @Variadic(fixedCount = 1)
  long syscall(long number, long dirfd, @In byte[] path, @In byte[] how, long size);

  /** open_tree(dirfd, path, flags). */
  @Variadic(fixedCount = 1)
  long syscall(long number, long dirfd, @In byte[] path, long flags);

  /**
   * The calls of the mount API whose second and fourth arguments are in-buffers: move_mount(from_dirfd,
   * from_path, to_dirfd, to_path, flags) and mount_setattr(dirfd, path, flags, attr, size).
   */
  @Variadic(fixedCount = 1)
  long syscall(long number, long dirfd, @In byte[] path, long third, @In byte[] fourth, long fifth);

  int close(int fd);

  int mkdirat(int dirfd, @In byte[] path, int mode);

  int mknodat(int dirfd, @In byte[] path, int mode, long dev);

  int symlinkat(@In byte[] target, int dirfd, @In byte[] path);

  long readlinkat(int dirfd, @In byte[] path, @Out byte[] buffer, long size);

  int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

  int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

  int unlinkat(int dirfd, @In byte[] path, int flags);

  int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);

  int fchmod(int fd, int mode);

  int chmod(@In byte[] path, int mode);

  int utimensat(int dirfd, @In byte[] path, @In byte[] times, int flags);

  int statx(int dirfd, @In byte[] path, int flags, int mask, @Out byte[] statx);

  int fstatfs(int fd, @Out byte[] statfs);

  /** getdents64 into native memory, of which the caller copies out only what the kernel filled. */
  long getdents64(int fd, Pointer buffer, long size);

  long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, long size);

  int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);

  long llistxattr(@In byte[] path, @Out byte[] list, long size);

  int lremovexattr(@In byte[] path, @In byte[] name);

  /** The following variants, used only on /proc/self/fd links, which they resolve to exactly the open inode. */
  long getxattr(@In byte[] path, @In byte[] name, @Out byte[] value, long size);

  int setxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);

  long listxattr(@In byte[] path, @Out byte[] list, long size);

  int removexattr(@In byte[] path, @In byte[] name);

  long fgetxattr(int fd, @In byte[] name, @Out byte[] value, long size);

  int fsetxattr(int fd, @In byte[] name, @In byte[] value, long size, int flags);

  long flistxattr(int fd, @Out byte[] list, long size);

  int fsync(int fd);

  int syncfs(int fd);

  int ftruncate(int fd, long length);

  int fallocate(int fd, int mode, long offset, long length);

  long lseek(int fd, long offset, int whence);

  /** Returns the error number itself, not -1 with errno. */
  int posix_fadvise(int fd, long offset, long length, int advice);

  long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long length, int flags);

  long sendfile(int fdOut, int fdIn, Pointer offset, long count);

  /** pread and pwrite on native memory, which jnr-ffi passes by address instead of copying a whole array. */
  long pread(int fd, Pointer buffer, long count, long offset);

  long pwrite(int fd, Pointer buffer, long count, long offset);

  /** read at the descriptor's position: a pipe or socket, which has none to pread at. */
  long read(int fd, Pointer buffer, long count);

  /** write at the descriptor's position, which sendfile then continues from. */
  long write(int fd, Pointer buffer, long count);

  @Variadic(fixedCount = 2)
  int ioctl(int fd, long request, byte[] argument);

  /** An ioctl whose argument is a plain integer, such as FICLONE's source descriptor. */
  @Variadic(fixedCount = 2)
  int ioctl(int fd, long request, long argument);

  @Variadic(fixedCount = 2)
  int fcntl(int fd, int command, byte[] argument);

  int mount(@In byte[] source, @In byte[] target, @In byte[] type, long flags, @In byte[] data);

  int umount2(@In byte[] target, int flags);

  int kill(int pid, int signal);

  // ---- AF_UNIX sockets, for the service (UnixSockets, SocketChannel, SocketActivation) ----

  int socket(int domain, int type, int protocol);

  /** bind and connect take a struct sockaddr_un, built in a byte array. */
  int bind(int fd, @In byte[] address, int length);

  int connect(int fd, @In byte[] address, int length);

  int listen(int fd, int backlog);

  int accept4(int fd, Pointer address, Pointer length, int flags);

  int getsockopt(int fd, int level, int name, @Out byte[] value, int[] length);

  int shutdown(int fd, int how);

  /** recvmsg and sendmsg on a struct msghdr in native memory, whose iovec and control buffer are native too. */
  long recvmsg(int fd, Pointer message, int flags);

  long sendmsg(int fd, Pointer message, int flags);

  /** poll on an array of struct pollfd. */
  int poll(byte[] descriptors, long count, int timeout);

  /** fcntl with an integer argument, such as F_SETFD's flags. */
  @Variadic(fixedCount = 2)
  int fcntl(int fd, int command, long argument);

  int unsetenv(@In byte[] name);

  /** Gives the malloc heap's free pages back to the system; 1 where it gave some. */
  int malloc_trim(long pad);
}
