package io.jimg.btrfs;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Threads for work a command hands off (decoding, writing, encoding, downloading): named, so that a thread dump
 * or {@code perf} says whose they are, and daemons, so that one left behind by a failure never holds up the
 * command's exit.
 *
 * <p>It has nothing to do with the kernel: it lives here because this is the module every other one depends on,
 * so that transfer (decoders, downloads) and runtime (the launcher's killer) share it without runtime depending
 * on transfer.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads that all take {@code name}. */
  public static ThreadFactory named(String name) {
    Objects.requireNonNull(name, "name");
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Waits until {@code thread} has ended, even through interrupts of the waiting thread, whose interrupt status is
   * set again afterwards: for a close that must not return while the thread still uses what it closes.
   */
  public static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
