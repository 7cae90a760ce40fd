package io.jimg.btrfs;

/**
 * Open file description locks on a whole file (fcntl F_OFD_*), behind {@link Fd}'s lock methods: owned by the
 * open file, not the process, so that two opens in one process exclude each other as two processes do.
 */
final class OfdLocks {
  private OfdLocks() {}

  static final int F_OFD_GETLK = 36;
  private static final int F_OFD_SETLK = 37;
  private static final int F_OFD_SETLKW = 38;

  static boolean tryLock(Fd fd, LockKind kind) throws NativeException {
    int result = Native.libc().fcntl(fd.fd(), F_OFD_SETLK, flock(kind.flockType));
    if (result < 0 && (Native.errno() == Linux.EAGAIN || Native.errno() == Linux.EACCES)) {
      return false;
    }
    NativeException.check(result, "fcntl F_OFD_SETLK", fd);
    return true;
  }

  static void lock(Fd fd, LockKind kind) throws NativeException {
    while (true) {
      int result = Native.libc().fcntl(fd.fd(), F_OFD_SETLKW, flock(kind.flockType));
      if (result < 0 && Native.errno() == Linux.EINTR) {
        continue;
      }
      NativeException.check(result, "fcntl F_OFD_SETLKW", fd);
      return;
    }
  }

  static void unlock(Fd fd) throws NativeException {
    NativeException.check(Native.libc().fcntl(fd.fd(), F_OFD_SETLK, flock(LockKind.UNLOCK)), "fcntl F_OFD_SETLK", fd);
  }

  static boolean isLockedByOthers(Fd fd, LockKind kind) throws NativeException {
    byte[] flock = flock(kind.flockType);
    NativeException.check(Native.libc().fcntl(fd.fd(), F_OFD_GETLK, flock), "fcntl F_OFD_GETLK", fd);
    return Layouts.le(flock).getShort(Layouts.Flock.TYPE) != LockKind.UNLOCK;
  }

  private static byte[] flock(short type) {
    byte[] flock = new byte[Layouts.Flock.SIZE];
    Layouts.le(flock).putShort(Layouts.Flock.TYPE, type).putShort(Layouts.Flock.WHENCE, (short) Linux.SEEK_SET);
    return flock;
  }
}
