package io.jimg.transfer;

import io.jimg.images.Cancellation;
import io.jimg.images.StoreListener;
import java.util.Objects;

/**
 * What an export works with and reports to, one record for the export builders ({@link Exporter}'s and the tar
 * exporter's it hands the work to), which both extend {@link Builder}: each option is set in one place and passed
 * down whole, as {@link ImportOptions} is for imports.
 *
 * @param threads threads xz and zstd may compress on; 1 keeps everything on the calling thread
 * @param listener hears the export's progress
 * @param cancellation what stops the export: checked before the image is read, between entries, between blocks of
 *     data (1 MiB; 8 MiB the kernel copies) and by the compressor's workers, so that a cancel is noticed within one
 *     of them. The export then fails with {@code CANCELLED}, its threads ended and its unnamed or hidden temporary
 *     file removed: nothing is left under the file's name, and a file it was to replace is left as it was. A cancel
 *     that comes once the file is whole and about to take its name is too late: the export completes. A stream
 *     (standard output) keeps what was written to it.
 */
public record ExportOptions(int threads, StoreListener listener, Cancellation cancellation) {
  public static final ExportOptions DEFAULT =
      new ExportOptions(Runtime.getRuntime().availableProcessors(), StoreListener.NONE, Cancellation.NEVER);

  public ExportOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancellation, "cancellation");
  }

  /** The setters of every export builder; {@code B} is the builder itself, so that calls chain. */
  public abstract static class Builder<B extends Builder<B>> extends WorkBuilder<B> {
    private int threads = DEFAULT.threads;

    protected Builder() {}

    /** See {@link ExportOptions#threads()}. */
    public B threads(int threads) {
      this.threads = threads;
      return self();
    }

    /** Takes every option from {@code options}, as the exporter passes its own down to the tar one. */
    public B options(ExportOptions options) {
      this.threads = options.threads;
      return listener(options.listener).cancellation(options.cancellation);
    }

    /** The options set so far. */
    protected ExportOptions exportOptions() {
      return new ExportOptions(threads, listenerSet(), cancellationSet());
    }
  }
}
