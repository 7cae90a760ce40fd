package io.jimg.cli;

import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.library.JimgListener;
import io.jimg.library.Transfer;
import java.util.function.Consumer;

/**
 * The service's listener on its root where it also runs clients' commands: everything goes to the service's own
 * listener (its log, its streaming calls), and what a client's command causes also to that command's console, as in
 * the client's own process. A command's work is found by thread: the one that runs the command, and the threads it
 * starts (its transfers), which inherit it.
 */
final class CallRouting implements JimgListener {
  private final JimgListener service;
  private final InheritableThreadLocal<ServedCall> current = new InheritableThreadLocal<>();

  CallRouting(JimgListener service) {
    this.service = service;
  }

  /** Runs {@code work} as {@code call}'s: what it causes goes to the call's console too. */
  int runAs(ServedCall call, java.util.function.IntSupplier work) {
    current.set(call);
    try {
      return work.getAsInt();
    } finally {
      current.remove();
    }
  }

  @Override
  public void event(StoreEvent event) {
    service.event(event);
    toCall(console -> console.event(event));
  }

  @Override
  public void progress(Progress progress) {
    service.progress(progress);
    toCall(console -> console.progress(progress));
  }

  @Override
  public void event(long transfer, StoreEvent event) {
    service.event(transfer, event);
    toCall(console -> console.event(event));
  }

  @Override
  public void progress(long transfer, Progress progress) {
    service.progress(transfer, progress);
    toCall(console -> console.progress(progress));
  }

  @Override
  public void started(Transfer<?> transfer) {
    service.started(transfer);
    ServedCall call = current.get();
    if (call != null) {
      call.started(transfer);
    }
  }

  /** Tells the console of the command whose work runs on this thread, if any. */
  private void toCall(Consumer<StoreListener> heard) {
    ServedCall call = current.get();
    if (call != null) {
      heard.accept(call.listener());
    }
  }
}
