package io.jimg.btrfs;

import java.nio.charset.StandardCharsets;

/**
 * Opens a file for reading or writing only once it is known to be of the type asked for. An open(2) of a device
 * node acts on the device (a watchdog starts counting down, a tape rewinds) and an open of a fifo waits for a
 * writer, before any fstat could refuse it: so a name in a tree someone else fills (an image, a pool) is first
 * opened with O_PATH, which touches nothing, checked with fstat, and only then reopened through its
 * /proc/self/fd link, which reaches exactly the inode checked and never a name resolved again.
 */
public final class Reopen {
  private Reopen() {}

  /**
   * A new descriptor of the file {@code handle} (an O_PATH one) holds, opened with the access {@code flags}
   * (O_RDONLY, O_RDWR, O_NOCTTY, O_NONBLOCK: no O_CREAT), where that file is of {@code type} (S_IFREG, S_IFBLK...);
   * {@link WrongFileType} otherwise.
   */
  public static Fd as(Fd handle, int type, int flags) throws NativeException {
    Stat checked = handle.stat();
    if (checked.type() != type) {
      throw new WrongFileType(handle.path(), checked.type(), type);
    }
    byte[] link = ("/proc/self/fd/" + handle.fd()).getBytes(StandardCharsets.US_ASCII);
    // The link is a magic link: O_NOFOLLOW would refuse it (ELOOP) rather than keep a symlink from being followed.
    int openFlags = (flags & ~(Linux.O_NOFOLLOW | Linux.O_CREAT | Linux.O_EXCL | Linux.O_TRUNC)) | Linux.O_CLOEXEC;
    int fd = Native.libc().openat(Linux.AT_FDCWD, Native.cString(link), openFlags, 0);
    NativeException.check(fd, "openat", handle.path());
    Fd opened = Fd.adopt(fd, handle.path(), flags);
    try {
      Stat now = opened.stat();
      if (now.inode() != checked.inode() || now.device() != checked.device()) {
        throw new NativeException("openat", handle.path(), Linux.ESTALE); // /proc is not the kernel's own
      }
      return opened;
    } catch (NativeException | RuntimeException e) {
      opened.close();
      throw e;
    }
  }
}
