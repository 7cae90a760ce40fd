package io.jimg.btrfs;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
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

  /** As {@link #named}, keeping its threads so that a close can wait for every one of them to end. */
  public static Joinable joinable(String name) {
    return new Joinable(named(name));
  }

  /** A factory of daemon threads that remembers them; for a pool of workers whose close must outlast them. */
  public static final class Joinable implements ThreadFactory {
    private final ThreadFactory threads;
    private final List<Thread> made = new CopyOnWriteArrayList<>();

    private Joinable(ThreadFactory threads) {
      this.threads = threads;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = threads.newThread(task);
      made.add(thread);
      return thread;
    }

    /** Waits until every thread made so far has ended (a pool's, once shut down), as {@link #joinUninterruptibly}. */
    public void joinAll() {
      for (Thread thread : made) {
        joinUninterruptibly(thread);
      }
    }
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
