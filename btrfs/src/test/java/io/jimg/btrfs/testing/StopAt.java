package io.jimg.btrfs.testing;

import java.util.concurrent.CountDownLatch;

/**
 * Stops an operation from another thread at a moment the operation signals (from a listener, a stream it reads or
 * writes, a test hook): {@link #reached} hands the stop to a thread of its own and waits until it was made, so that
 * the operation cannot run past the moment first, and the stop never depends on a sleep.
 */
public final class StopAt implements AutoCloseable {
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread stopper;

  public StopAt(Runnable stop) {
    this.stopper = new Thread(() -> {
      try {
        reached.await();
      } catch (InterruptedException e) {
        return; // closed without the moment coming
      }
      stop.run();
      stopped.countDown();
    }, "test-stopper");
    stopper.setDaemon(true);
    stopper.start();
  }

  /** On the operation's thread, at the moment: the stop is made on the other thread before this returns. */
  public void reached() {
    reached.countDown();
    boolean interrupted = false;
    while (true) {
      try {
        stopped.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the moment came (and so the stop was made). */
  public boolean wasReached() {
    return reached.getCount() == 0;
  }

  @Override
  public void close() throws InterruptedException {
    stopper.interrupt();
    stopper.join();
  }
}
