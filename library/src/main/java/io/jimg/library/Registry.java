package io.jimg.library;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running transfers of one {@link Jimg}, by id. A transfer enters when it starts and leaves when its work has
 * ended, before anyone waiting on it wakes. Safe for use from any thread.
 */
final class Registry {
  /** Ids are unique in the process, across roots, as importd's are on a host. */
  private static final AtomicLong IDS = new AtomicLong();

  private final ConcurrentSkipListMap<Long, Transfer<?>> running = new ConcurrentSkipListMap<>();
  private final JimgListener listener;
  /** The transfer whose work runs on this thread, if any: the store's own events there are that transfer's. */
  private final ThreadLocal<Transfer<?>> current = new ThreadLocal<>();

  Registry(JimgListener listener) {
    this.listener = listener;
  }

  /**
   * The store's listener: the store reports to one listener for all callers, so what it reports on a transfer's
   * thread (an image created, a clone's progress) is filed under that transfer; the rest goes without an id. What the
   * store reports from threads of its own during a transfer has no id either.
   */
  StoreListener storeListener() {
    return new StoreListener() {
      @Override
      public void event(StoreEvent event) {
        heardOnThisThread().event(event);
      }

      @Override
      public void progress(Progress progress) {
        heardOnThisThread().progress(progress);
      }
    };
  }

  /** The listener of the transfer whose work runs on this thread, else the root's. */
  private StoreListener heardOnThisThread() {
    Transfer<?> transfer = current.get();
    return transfer == null ? listener : transfer.listener();
  }

  /** Starts {@code work} as a new transfer on a thread of its own. */
  <T> Transfer<T> start(Transfer.Type type, String local, String remote, TransferWork<T> work) {
    Transfer<T> transfer = new Transfer<>(IDS.incrementAndGet(), type, local, remote, listener);
    Thread worker = DaemonThreads.named("jimg-transfer-" + transfer.id()).newThread(() -> run(transfer, work));
    transfer.startedOn(worker);
    running.put(transfer.id(), transfer);
    listener.started(transfer);
    worker.start();
    return transfer;
  }

  private <T> void run(Transfer<T> transfer, TransferWork<T> work) {
    current.set(transfer);
    try {
      transfer.cancellation().check();
      transfer.succeeded(work.run(transfer.cancellation(), transfer.listener()));
    } catch (Throwable e) {
      // Kept for await(), which throws it on the caller's thread: nothing is lost by catching an Error here.
      transfer.failed(e);
    } finally {
      current.remove();
      running.remove(transfer.id());
      transfer.ended();
    }
  }

  /** The transfers running now, oldest first. */
  List<Transfer<?>> list() {
    return List.copyOf(running.values());
  }

  Optional<Transfer<?>> get(long id) {
    return Optional.ofNullable(running.get(id));
  }
}
