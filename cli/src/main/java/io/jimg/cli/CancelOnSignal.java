package io.jimg.cli;

import io.jimg.images.JimgException;
import io.jimg.library.Jimg;
import io.jimg.library.Transfer;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM during a command go through the library's registry: every running transfer is cancelled and
 * waited for until it has cleaned up, then the command prints {@code jimg: <what> was cancelled} for each and exits
 * with 130 (SIGINT) or 143 (SIGTERM). A second signal while that runs ends the process at once; the next command's
 * sweep removes what is left. The JVM's shutdown hooks (the removal of ephemeral roots) still run on the exit.
 *
 * <p>Handlers through {@code sun.misc.Signal} (jdk.unsupported), not a shutdown hook: a hook cannot tell SIGINT from
 * SIGTERM, nor either from an exit the command chose; it runs only once the JVM has begun to exit, when the command's
 * own thread, which ends in {@code System.exit}, would block for ever in that call (the JVM then exits with the
 * signal's status, but only after the hooks); and once shutdown has begun the JVM takes no further signal, so nothing
 * could cut a slow cleanup short. A handler runs on a thread of its own while the JVM is whole, and ends the process
 * itself. While {@code jimg run} runs a container, the launcher's handlers stand in for these and pass the signal on.
 */
final class CancelOnSignal implements SignalHandler {
  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final JimgCommand jimg;
  private final PrintWriter err;
  /** The first signal's number; 0 until one came. */
  private final AtomicInteger caught = new AtomicInteger();

  private CancelOnSignal(JimgCommand jimg, PrintWriter err) {
    this.jimg = jimg;
    this.err = err;
  }

  /** Installs the handlers for the command {@code jimg}, which prints on {@code err}. */
  static CancelOnSignal install(JimgCommand jimg, PrintWriter err) {
    CancelOnSignal handler = new CancelOnSignal(jimg, err);
    for (String name : SIGNALS) {
      try {
        Signal.handle(new Signal(name), handler); // itself, not a lambda: no linkage cost at every start
      } catch (IllegalArgumentException e) {
        // The JVM runs with -Xrs: the signal then ends jimg as it would anyway.
      }
    }
    return handler;
  }

  /** Whether a signal came: a cancellation the command meets then is the handler's to report. */
  boolean caught() {
    return caught.get() != 0;
  }

  /**
   * Ends the process with the command's exit code, unless a signal came: then the handler ends it, with the signal's
   * code, once the transfers have cleaned up, and this thread waits for that.
   */
  void exit(int exitCode) {
    if (!caught()) {
      System.exit(exitCode);
    }
    while (true) {
      LockSupport.park(this);
    }
  }

  @Override
  public void handle(Signal signal) {
    int exitCode = 128 + signal.getNumber();
    if (!caught.compareAndSet(0, signal.getNumber())) {
      Runtime.getRuntime().halt(exitCode);
    }
    try {
      Jimg root = jimg.rootIfMade();
      cancel(jimg, root == null ? List.of() : root.transfers().list(), err);
    } finally {
      err.flush();
      System.exit(exitCode);
    }
  }

  /**
   * Cancels {@code running}, the transfers of {@code jimg}'s command, waits until they have cleaned up, and says on
   * {@code err} which were cancelled: for a signal to this process, and for the interrupt of a command the service
   * runs for a client.
   */
  static void cancel(JimgCommand jimg, List<Transfer<?>> running, PrintWriter err) {
    running.forEach(Transfer::cancel);
    jimg.finish();
    for (Transfer<?> transfer : running) {
      if (endedCancelled(transfer)) {
        err.println(Text.printable("jimg: " + transfer.description() + " was cancelled"));
      }
    }
  }

  /** Whether the transfer, which has ended, ended because it was cancelled (it may have finished first). */
  private static boolean endedCancelled(Transfer<?> transfer) {
    try {
      transfer.await();
      return false;
    } catch (JimgException e) {
      return e.reason() == JimgException.Reason.CANCELLED;
    } catch (Exception e) {
      return false;
    }
  }
}
