package io.jimg.btrfs;

/** Sends a signal to a process; the JDK can send only SIGTERM and SIGKILL, a launcher must pass on others. */
public final class Signals {
  private Signals() {}

  public static final int SIGHUP = 1;
  public static final int SIGINT = 2;
  public static final int SIGKILL = 9;
  public static final int SIGTERM = 15;

  /** Returns false where the process no longer exists (ESRCH). */
  public static boolean send(long pid, int signal) throws NativeException {
    if (pid <= 0) {
      throw new IllegalArgumentException("not a single process: " + pid);
    }
    int result = Native.libc().kill((int) pid, signal);
    if (result < 0 && Native.errno() == Linux.ESRCH) {
      return false;
    }
    NativeException.check(result, "kill", "pid " + pid);
    return true;
  }
}
