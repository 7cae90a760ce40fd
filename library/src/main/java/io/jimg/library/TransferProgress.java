package io.jimg.library;

import io.jimg.images.Progress;
import java.util.OptionalDouble;

/**
 * How far a transfer has come: bytes done of {@code bytesTotal} (-1 where not known), entries unpacked, and the
 * phase where the bytes alone would mislead ({@link Progress#WRITING}, {@link Progress#FLUSHING}; else null).
 */
public record TransferProgress(long bytesDone, long bytesTotal, long entriesDone, String phase) {
  /** Before the work has reported anything. */
  static final TransferProgress NONE = new TransferProgress(0, -1, 0, null);

  static TransferProgress of(Progress progress) {
    return new TransferProgress(progress.bytesDone(), progress.bytesTotal(), progress.entriesDone(),
        progress.phase());
  }

  /** The share done, from 0 to 1, where the total is known. */
  public OptionalDouble fraction() {
    if (bytesTotal <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Math.min(1.0, Math.max(0, bytesDone) / (double) bytesTotal));
  }
}
