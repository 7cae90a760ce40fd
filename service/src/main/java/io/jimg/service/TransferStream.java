package io.jimg.service;

import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.library.Transfer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A call that runs a transfer and streams it, as importd streams a pull: with more, first the transfer's id, then
 * a reply each time its progress passes a whole percent ({@code progress}, a fraction from 0 to 1) or, where the
 * interface says so, enters a phase ({@code phase}: writing, flushing), and one for each
 * event ({@code log}, a message with its syslog priority); the caller sends the final reply once it has ended. A
 * client that hangs up cancels the transfer, through the root's registry, so that nothing is left of it.
 */
final class TransferStream implements ServiceEvents.Subscriber {
  private final Call call;
  private final Transfer<?> transfer;
  private final ServiceEvents events;
  private final boolean phases;
  private int percentSent = -1;
  private String phaseSent;
  private boolean closed;

  private TransferStream(Call call, Transfer<?> transfer, ServiceEvents events, boolean phases) {
    this.call = call;
    this.transfer = transfer;
    this.events = events;
    this.phases = phases;
  }

  /**
   * Streams {@code transfer} to {@code call} until it ends and returns its result; a transfer that failed or was
   * cancelled ends the call with {@code errors}' error for that. A oneway call returns at once: its transfer runs on.
   */
  static <T> T follow(Call call, Transfer<T> transfer, ServiceEvents events, Dialect dialect) throws VarlinkError {
    events.log().log(ServiceLog.Priority.INFO, transfer + " started for " + call.peer());
    return stream(call, transfer, events, dialect, true);
  }

  /**
   * Streams {@code transfer}, which another call started, to {@code call} as {@link #follow} does, and returns its
   * result: a second Pull of a URL waits for the first and shares its result. The transfer is the first caller's:
   * this one hanging up leaves it running.
   */
  static <T> T join(Call call, Transfer<T> transfer, ServiceEvents events, Dialect dialect) throws VarlinkError {
    events.log().log(ServiceLog.Priority.INFO, transfer + " joined by " + call.peer());
    return stream(call, transfer, events, dialect, false);
  }

  private static <T> T stream(Call call, Transfer<T> transfer, ServiceEvents events, Dialect dialect, boolean owner)
      throws VarlinkError {
    if (call.oneway()) {
      return null;
    }
    TransferStream stream = new TransferStream(call, transfer, events, dialect.phases());
    events.subscribe(transfer.id(), stream);
    try {
      if (call.more()) {
        call.replyContinuing(Map.of("id", transfer.id()));
      }
      if (owner) {
        call.onHangUp(() -> {
          events.log().log(ServiceLog.Priority.INFO, transfer + ": its client hung up, cancelling");
          transfer.cancel();
        });
      }
      return transfer.await();
    } catch (IOException | RuntimeException e) {
      throw ended(transfer, events, e, dialect);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (owner) {
        transfer.cancel();
      }
      throw new VarlinkError(dialect.cancelled());
    } finally {
      events.unsubscribe(transfer.id(), stream);
      stream.close();
    }
  }

  /**
   * How an interface words a transfer: its errors for a transfer that failed and one that was cancelled (where
   * {@code failedSaysWhy}, the first has a {@code message} parameter), and whether its replies name the
   * {@code phase} (jimg's interface does; systemd's, whose replies are as importd's, does not).
   */
  record Dialect(String failed, String cancelled, boolean failedSaysWhy, boolean phases) {}

  /**
   * The error for a transfer that ended in {@code e}: cancelled where it said so, or where it failed after a cancel
   * (a read the cancel unblocked fails with an error of its own), else failed.
   */
  private static VarlinkError ended(Transfer<?> transfer, ServiceEvents events, Exception e, Dialect dialect) {
    boolean cancelled = e instanceof JimgException jimg && jimg.reason() == JimgException.Reason.CANCELLED;
    if (cancelled || transfer.cancellation().isCancelled()) {
      events.log().log(ServiceLog.Priority.INFO, transfer + " cancelled");
      return new VarlinkError(dialect.cancelled());
    }
    String why = e.getMessage() == null ? e.toString() : e.getMessage();
    events.log().log(ServiceLog.Priority.WARNING, transfer + " failed: " + why);
    return new VarlinkError(dialect.failed(), dialect.failedSaysWhy() ? Map.of("message", why) : Map.of());
  }

  private synchronized void close() {
    closed = true;
  }

  @Override
  public synchronized void event(StoreEvent event) {
    send(Map.of("log", Map.of("message", (event.image() == null ? "" : event.image() + ": ") + event.message(),
        "priority", (long) ServiceEvents.priority(event).syslog)));
  }

  @Override
  public synchronized void progress(Progress progress) {
    boolean newPhase = phases && progress.phase() != null && !progress.phase().equals(phaseSent);
    if (progress.bytesTotal() <= 0 && !newPhase) {
      return;
    }
    Map<String, Object> reply = new HashMap<>();
    if (progress.bytesTotal() > 0) {
      double fraction = Math.min(1.0, Math.max(0, progress.bytesDone()) / (double) progress.bytesTotal());
      int percent = (int) (fraction * 100);
      if (percent == percentSent && !newPhase) {
        return;
      }
      percentSent = percent;
      reply.put("progress", fraction);
    }
    if (newPhase) {
      phaseSent = progress.phase();
      reply.put("phase", phaseSent);
    }
    send(reply);
  }

  /**
   * A streamed reply, called on the transfer's thread: never after the stream closed, and never failing the work
   * where the client has gone (its hang-up cancels the transfer instead).
   */
  private void send(Map<String, Object> reply) {
    if (closed || !call.more()) {
      return;
    }
    try {
      call.replyContinuing(reply);
    } catch (RuntimeException e) {
      closed = true;
    }
  }
}
