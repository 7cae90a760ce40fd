package io.jimg.service;

import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.library.Transfer;
import java.io.IOException;
import java.util.Map;

/**
 * A call that runs a transfer and streams it, as importd streams a pull: with more, first the transfer's id, then
 * a reply each time its progress passes a whole percent ({@code progress}, a fraction from 0 to 1) and one for each
 * event ({@code log}, a message with its syslog priority); the caller sends the final reply once it has ended. A
 * client that hangs up cancels the transfer, through the root's registry, so that nothing is left of it.
 */
final class TransferStream implements ServiceEvents.Subscriber {
  private final Call call;
  private final Transfer<?> transfer;
  private final ServiceEvents events;
  private int percentSent = -1;
  private boolean closed;

  private TransferStream(Call call, Transfer<?> transfer, ServiceEvents events) {
    this.call = call;
    this.transfer = transfer;
    this.events = events;
  }

  /**
   * Streams {@code transfer} to {@code call} until it ends and returns its result; a transfer that failed or was
   * cancelled ends the call with {@code errors}' error for that. A oneway call returns at once: its transfer runs on.
   */
  static <T> T follow(Call call, Transfer<T> transfer, ServiceEvents events, Errors errors) throws VarlinkError {
    events.log().log(ServiceLog.Priority.INFO, transfer + " started for " + call.peer());
    return stream(call, transfer, events, errors, true);
  }

  /**
   * Streams {@code transfer}, which another call started, to {@code call} as {@link #follow} does, and returns its
   * result: a second Pull of a URL waits for the first and shares its result. The transfer is the first caller's:
   * this one hanging up leaves it running.
   */
  static <T> T join(Call call, Transfer<T> transfer, ServiceEvents events, Errors errors) throws VarlinkError {
    events.log().log(ServiceLog.Priority.INFO, transfer + " joined by " + call.peer());
    return stream(call, transfer, events, errors, false);
  }

  private static <T> T stream(Call call, Transfer<T> transfer, ServiceEvents events, Errors errors, boolean owner)
      throws VarlinkError {
    if (call.oneway()) {
      return null;
    }
    TransferStream stream = new TransferStream(call, transfer, events);
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
      throw ended(transfer, events, e, errors);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (owner) {
        transfer.cancel();
      }
      throw new VarlinkError(errors.cancelled());
    } finally {
      events.unsubscribe(transfer.id(), stream);
      stream.close();
    }
  }

  /**
   * The interface's errors for a transfer that failed and one that was cancelled; where {@code failedSaysWhy}, the
   * first has a {@code message} parameter.
   */
  record Errors(String failed, String cancelled, boolean failedSaysWhy) {}

  /**
   * The error for a transfer that ended in {@code e}: cancelled where it said so, or where it failed after a cancel
   * (a read the cancel unblocked fails with an error of its own), else failed.
   */
  private static VarlinkError ended(Transfer<?> transfer, ServiceEvents events, Exception e, Errors errors) {
    boolean cancelled = e instanceof JimgException jimg && jimg.reason() == JimgException.Reason.CANCELLED;
    if (cancelled || transfer.cancellation().isCancelled()) {
      events.log().log(ServiceLog.Priority.INFO, transfer + " cancelled");
      return new VarlinkError(errors.cancelled());
    }
    String why = e.getMessage() == null ? e.toString() : e.getMessage();
    events.log().log(ServiceLog.Priority.WARNING, transfer + " failed: " + why);
    return new VarlinkError(errors.failed(), errors.failedSaysWhy() ? Map.of("message", why) : Map.of());
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
    if (progress.bytesTotal() <= 0) {
      return;
    }
    double fraction = Math.min(1.0, Math.max(0, progress.bytesDone()) / (double) progress.bytesTotal());
    int percent = (int) (fraction * 100);
    if (percent != percentSent) {
      percentSent = percent;
      send(Map.of("progress", fraction));
    }
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
