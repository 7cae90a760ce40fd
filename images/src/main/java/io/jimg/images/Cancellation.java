package io.jimg.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A long operation's stop request, shared by whoever may ask for it (a registry of transfers, a signal handler, a
 * service client) and the loops that do the work. Work checks {@link #check()} between blocks and entries; what
 * may block longer than that (a network read, a worker thread) registers an action that unblocks it. Safe for use
 * from any thread.
 */
public final class Cancellation {
  /** For work that nothing can cancel; cancelling it is refused. */
  public static final Cancellation NEVER = new Cancellation(null);

  private final String what;
  private final List<Runnable> actions = new ArrayList<>();
  private volatile boolean cancelled;

  private Cancellation(String what) {
    this.what = what;
  }

  /** A fresh request for the operation {@code what} names in its message, e.g. "import-tar of 'debian'". */
  public static Cancellation of(String what) {
    return new Cancellation(Objects.requireNonNull(what, "what"));
  }

  /** Asks the work to stop; runs each registered action once, on this thread. Repeated calls do nothing more. */
  public void cancel() {
    if (what == null) {
      throw new IllegalStateException("this work cannot be cancelled");
    }
    List<Runnable> toRun;
    synchronized (actions) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = List.copyOf(actions);
      actions.clear();
    }
    for (Runnable action : toRun) {
      action.run();
    }
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Throws {@link JimgException.Reason#CANCELLED} once the work was asked to stop. */
  public void check() throws JimgException {
    if (cancelled) {
      throw new JimgException(JimgException.Reason.CANCELLED, what + " was cancelled");
    }
  }

  /**
   * Runs {@code action} when the work is cancelled (at once, where it already is), to unblock what a check between
   * blocks cannot reach; closing the returned registration drops the action once that part of the work is over.
   */
  public Registration onCancel(Runnable action) {
    Objects.requireNonNull(action, "action");
    synchronized (actions) {
      if (!cancelled) {
        actions.add(action);
        return () -> {
          synchronized (actions) {
            actions.remove(action);
          }
        };
      }
    }
    action.run();
    return () -> {};
  }

  /** An action's registration; closing it never throws. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
