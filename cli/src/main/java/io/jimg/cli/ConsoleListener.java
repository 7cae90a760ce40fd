package io.jimg.cli;

import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Renders what the store reports on stderr: a line per event unless quiet, and a progress bar that redraws one
 * line, only on a terminal (a log or a pipe gets no bar). The store may report from several threads.
 */
final class ConsoleListener implements StoreListener {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 30;
  /** A rate from less than this would swing wildly with the first blocks' timing. */
  private static final long RATE_AFTER_NANOS = 500_000_000L;

  private final PrintWriter err;
  private final boolean quiet;
  private final boolean bar;
  private final LongSupplier nanoTime;
  private long lastDraw;
  private boolean drawn;
  /** The operation the bar shows and when it was first reported, for its rate and time left. */
  private String operation;
  private long started;

  ConsoleListener(PrintWriter err, boolean quiet, boolean bar) {
    this(err, quiet, bar, System::nanoTime);
  }

  ConsoleListener(PrintWriter err, boolean quiet, boolean bar, LongSupplier nanoTime) {
    this.err = err;
    this.quiet = quiet;
    this.bar = bar;
    this.nanoTime = nanoTime;
  }

  @Override
  public synchronized void event(StoreEvent event) {
    if (quiet) {
      return;
    }
    erase();
    err.println(line(event));
    err.flush();
  }

  @Override
  public synchronized void progress(Progress progress) {
    if (!bar) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (!progress.operation().equals(operation)) {
      operation = progress.operation();
      started = now;
    }
    boolean complete = progress.bytesTotal() >= 0 && progress.bytesDone() >= progress.bytesTotal();
    if (drawn && !complete && progress.phase() == null && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    err.print('\r' + bar(progress, now - started) + "\u001b[K");
    err.flush();
    drawn = true;
  }

  /** Clears a bar left on screen, so that what follows starts on a clean line. */
  synchronized void finish() {
    erase();
  }

  private void erase() {
    if (drawn) {
      err.print("\r\u001b[K");
      err.flush();
      drawn = false;
    }
  }

  /**
   * The store's words for an event, after the image they concern: {@code debian-test: cloned from debian}. Busy
   * images skipped by clean say so; warnings stand out as {@code jimg: warning: …}.
   */
  static String line(StoreEvent event) {
    String message = event.message() == null || event.message().isBlank() ? null : event.message().strip();
    String image = event.image() == null || event.image().isEmpty() ? null : event.image();
    if (event.kind() == StoreEvent.Kind.WARNING) {
      boolean named = image != null && (message == null || !message.contains(image));
      return Text.printable("jimg: warning: " + (named ? image + ": " : "") + (message == null ? "" : message));
    }
    String what = switch (event.kind()) {
      case SKIPPED_BUSY -> "skipped, in use" + (message == null ? "" : ": " + message);
      default -> message != null ? message : event.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    };
    return Text.printable(image == null ? what : image + ": " + what);
  }

  static String bar(Progress progress) {
    return bar(progress, 0);
  }

  /**
   * The bar for {@code progress}, {@code elapsed} nanoseconds into its operation: the share done where the total
   * is known, the rate once it means something, the time left where both are known, and the phase where the
   * bytes alone would mislead ({@code 100 % …, flushing}).
   */
  static String bar(Progress progress, long elapsed) {
    StringBuilder line = new StringBuilder(Text.printable(progress.operation())).append(' ');
    long done = Math.max(0, progress.bytesDone());
    if (progress.bytesTotal() > 0) {
      done = Math.min(done, progress.bytesTotal());
      int filled = (int) (done * BAR_WIDTH / progress.bytesTotal());
      line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
          .append(done * 100 / progress.bytesTotal()).append("% ")
          .append(Sizes.format(done)).append('/').append(Sizes.format(progress.bytesTotal()));
    } else {
      line.append(Sizes.format(done));
      if (progress.entriesDone() > 0) {
        line.append(", ").append(progress.entriesDone()).append(" entries");
      }
    }
    if (progress.phase() != null) {
      return line.append(", ").append(Text.printable(progress.phase())).toString();
    }
    if (elapsed >= RATE_AFTER_NANOS && done > 0) {
      long perSecond = (long) (done * 1e9 / elapsed);
      line.append(", ").append(Sizes.format(perSecond)).append("/s");
      if (progress.bytesTotal() > done && perSecond > 0) {
        line.append(", ").append(clock((progress.bytesTotal() - done) / perSecond + 1)).append(" left");
      }
    }
    return line.toString();
  }

  /** Seconds as {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(long seconds) {
    long hours = seconds / 3600;
    long minutes = seconds / 60 % 60;
    return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", minutes, seconds % 60);
  }
}
