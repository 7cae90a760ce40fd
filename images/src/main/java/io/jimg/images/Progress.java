package io.jimg.images;

/**
 * How far a long operation has come; {@code bytesTotal} is -1 where it is not known. {@code phase} says what the
 * operation is doing when the bytes alone would mislead: an import has read its whole archive long before its
 * files are written and flushed ({@link #WRITING}, {@link #FLUSHING}); null while it does what its name says.
 */
public record Progress(String operation, long bytesDone, long bytesTotal, long entriesDone, String phase) {
  /** The input is read whole; the files it holds are still being written. */
  public static final String WRITING = "writing";
  /** Everything is written; the filesystem is flushing it to disk before the image is published. */
  public static final String FLUSHING = "flushing";

  public Progress(String operation, long bytesDone, long bytesTotal, long entriesDone) {
    this(operation, bytesDone, bytesTotal, entriesDone, null);
  }

  /** The same figures, in {@code phase}. */
  public Progress inPhase(String phase) {
    return new Progress(operation, bytesDone, bytesTotal, entriesDone, phase);
  }
}
