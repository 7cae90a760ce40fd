package io.jimg.btrfs;

/**
 * Loading the libc bindings is a large part of a short command's run: jnr-ffi and jffi set themselves up, the
 * library is resolved, and each call's invoker is built on its first use. A command that knows it will need them
 * starts that work here on a second thread, so that it overlaps the parsing of its command line; the first call made
 * on the command's own thread then waits only for what is not done yet.
 */
public final class NativeBindings {
  private NativeBindings() {}

  /**
   * Starts loading the bindings on a daemon thread, which never keeps the JVM from exiting. A class, not a method
   * reference: linking the first lambda of a run costs its caller several milliseconds, which would hold the loader
   * back for as long.
   */
  public static void loadInBackground() {
    Thread loader = new Thread(new Runnable() {
      @Override
      public void run() {
        try {
          load();
        } catch (Throwable e) {
          // Not this thread's to report: the command's own first call meets the same failure and reports it as
          // a jimg: error, where an uncaught exception here would print a stack trace.
        }
      }
    }, "jimg-native-bindings");
    loader.setDaemon(true);
    loader.start();
  }

  /**
   * Loads the library and builds the invokers of the calls every store command makes. Each call is given the
   * descriptor -1 and an empty path, so it fails at once (EBADF, ENOENT) and touches nothing.
   */
  static void load() {
    LibC libc = Native.libc();
    byte[] empty = {0};
    libc.openat(-1, empty, Linux.O_PATH, 0);
    libc.statx(-1, empty, 0, 0, new byte[Layouts.Statx.SIZE]);
    libc.fstatfs(-1, new byte[Layouts.Statfs.SIZE]);
    libc.fcntl(-1, OfdLocks.F_OFD_GETLK, new byte[Layouts.Flock.SIZE]);
    libc.ioctl(-1, 0, new byte[Layouts.VolArgs.SIZE]);
    libc.mkdirat(-1, empty, 0);
    libc.renameat2(-1, empty, -1, empty, 0);
    libc.unlinkat(-1, empty, 0);
    libc.close(-1);
    Native.errno();
  }
}
