package io.jimg.library;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.images.Cancellation;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One long operation a {@link Jimg} runs (an import, export, pull, provisioning or clone), on a thread of its own:
 * its id, type, names and progress, a way to wait for its result, and {@link #cancel()}. It is in its root's
 * {@link Transfers} registry from the moment it starts until its work has ended, whatever the outcome. Safe for use
 * from any thread.
 *
 * @param <T> what the work returns: the new image, the pull's report, the fleet; {@link Void} for an export
 */
public final class Transfer<T> {
  /** The kinds of transfer, named as systemd-importd names its own, and jimg's. */
  public enum Type {
    IMPORT_TAR("import-tar"),
    IMPORT_RAW("import-raw"),
    IMPORT_FS("import-fs"),
    EXPORT_TAR("export-tar"),
    EXPORT_RAW("export-raw"),
    PULL_TAR("pull-tar"),
    PULL_RAW("pull-raw"),
    PULL_OCI("pull-oci"),
    PUSH_OCI("push-oci"),
    PROVISION("provision"),
    CLONE("clone");

    private final String label;

    Type(String label) {
      this.label = label;
    }

    /** The name importd gives it: {@code import-tar}, {@code pull-raw}, …; jimg's own are {@code provision}, {@code clone}. */
    @Override
    public String toString() {
      return label;
    }
  }

  private final long id;
  private final Type type;
  private final String local;
  private final String remote;
  private final Cancellation cancellation;
  private final StoreListener heard;
  private final AtomicReference<TransferProgress> progress = new AtomicReference<>(TransferProgress.NONE);
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile Thread thread;
  private T result;
  private Throwable failure;

  /** A transfer whose work reports to {@code listener}, under this transfer's id. */
  Transfer(long id, Type type, String local, String remote, JimgListener listener) {
    this.id = id;
    this.type = type;
    this.local = local;
    this.remote = remote;
    this.cancellation = Cancellation.of(description());
    this.heard = heard(listener);
  }

  /** Unique in this process (a counter, as importd numbers its transfers). */
  public long id() {
    return id;
  }

  public Type type() {
    return type;
  }

  /** The image's name in the pool where the caller gave one; null where the work derives it (from a file's name). */
  public String local() {
    return local;
  }

  /** The other side: the file, directory or URL read or written, the template cloned; null for a stream. */
  public String remote() {
    return remote;
  }

  /** What it is, in the words its cancellation's message uses: {@code import-tar of 'debian'}. */
  public String description() {
    String subject = local != null ? local : remote != null ? remote : "standard input";
    return type + " of '" + subject + "'";
  }

  /** What the work last reported. */
  public TransferProgress progress() {
    return progress.get();
  }

  /** Whether the work has ended, and the transfer left the registry. */
  public boolean isDone() {
    return ended.getCount() == 0;
  }

  /**
   * The stop request the work is handed; cancelling it is what {@link #cancel()} does before it waits. A caller that
   * hands the work something of its own that can block (a stream from a client) registers here what unblocks it.
   */
  public Cancellation cancellation() {
    return cancellation;
  }

  /**
   * Asks the work to stop, then waits until it has ended and left the registry (its temporaries and locks are gone
   * by then). Returns at once where it had ended; called from the transfer's own thread, it only asks. Interrupts do
   * not cut the wait short: a caller that returned early could not say that nothing was left behind.
   */
  public void cancel() {
    cancellation.cancel();
    Thread worker = thread;
    if (worker != null && worker != Thread.currentThread()) {
      DaemonThreads.joinUninterruptibly(worker);
    }
  }

  /** Waits for the work's end and returns its result, or throws what it failed with (CANCELLED where it was). */
  public T await() throws IOException, InterruptedException {
    ended.await();
    synchronized (this) {
      if (failure == null) {
        return result;
      }
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) failure;
    }
  }

  @Override
  public String toString() {
    return "transfer " + id + ": " + description();
  }

  /** Runs on {@code worker}, which runs this transfer's work and nothing else. */
  void startedOn(Thread worker) {
    this.thread = worker;
  }

  synchronized void succeeded(T value) {
    result = value;
  }

  synchronized void failed(Throwable cause) {
    failure = cause;
  }

  void ended() {
    ended.countDown();
  }

  /** The work's listener: it keeps the last progress, and passes everything on under this transfer's id. */
  StoreListener listener() {
    return heard;
  }

  private StoreListener heard(JimgListener listener) {
    return new StoreListener() {
      @Override
      public void event(StoreEvent event) {
        listener.event(id, event);
      }

      @Override
      public void progress(Progress reported) {
        progress.set(TransferProgress.of(reported));
        listener.progress(id, reported);
      }
    };
  }
}
