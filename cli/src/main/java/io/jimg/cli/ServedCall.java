package io.jimg.cli;

import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.library.Transfer;
import io.jimg.service.PassedStreams;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client's command as the service runs it: the command, its standard error, the streams the client passed and
 * the transfers the command started, which the client's interrupt or hang-up cancels.
 */
final class ServedCall {
  private static final StoreListener NOBODY = new StoreListener() {
    @Override
    public void event(StoreEvent event) {}

    @Override
    public void progress(Progress progress) {}
  };

  private final long id;
  private final int uid;
  private final JimgCommand jimg;
  private final PrintWriter err;
  private final PassedStreams streams;
  private final List<Transfer<?>> transfers = new CopyOnWriteArrayList<>();
  private volatile boolean ended;
  /** The signal the client was interrupted with; 0 for none. Under this object's lock. */
  private int signal;

  ServedCall(long id, int uid, JimgCommand jimg, PrintWriter err, PassedStreams streams) {
    this.id = id;
    this.uid = uid;
    this.jimg = jimg;
    this.err = err;
    this.streams = streams;
  }

  long id() {
    return id;
  }

  /** Whether {@code caller} may interrupt it: root, or whoever called. */
  boolean interruptibleBy(int caller) {
    return caller == 0 || caller == uid;
  }

  /** The command's console, while it runs; a thread that outlives it hears nothing more. */
  StoreListener listener() {
    return ended ? NOBODY : jimg.listener();
  }

  void started(Transfer<?> transfer) {
    transfers.add(transfer);
  }

  /**
   * The client had a signal: its transfers are cancelled and reported as a signal to the jimg command would have
   * them; the command ends with 128 + the signal. Once only; nothing where the command has ended.
   */
  synchronized void interrupt(int number) {
    if (ended || signal != 0) {
      return;
    }
    signal = number;
    jimg.interrupted();
    streams.stop();
    CancelOnSignal.cancel(jimg, running(), err);
  }

  /** The client closed its connection (it was killed): its transfers are cancelled, with nobody to tell. */
  void hungUp() {
    ended = true;
    streams.stop();
    running().forEach(Transfer::cancel);
  }

  /** Ends the call, after the interrupt's report where there is one: the exit code the client exits with. */
  synchronized int end(int exitCode) {
    ended = true;
    err.flush();
    return signal == 0 ? exitCode : 128 + signal;
  }

  private List<Transfer<?>> running() {
    return transfers.stream().filter(transfer -> !transfer.isDone()).toList();
  }
}
