package io.jimg.btrfs;

import java.util.Objects;

/** Copies one regular file's data, as a tree copy does: reflinked where it can be, holes kept, never through Java. */
public final class FileCopy {
  private FileCopy() {}

  /**
   * Copies the data of the regular file {@code source} into the empty regular file {@code target}, both opened
   * (target for writing). Owner, mode and times are the caller's business.
   */
  public static void copy(Fd source, Fd target, CopyProgress progress) throws NativeException {
    Objects.requireNonNull(progress, "progress");
    long[] done = {0};
    new DataCopy().copy(source, target, source.stat(), bytes -> {
      done[0] += bytes;
      progress.copied(done[0], 1);
    });
  }

  /**
   * As {@link #copy(Fd, Fd, CopyProgress)}, asking {@code checkpoint} between blocks whether to go on; what it
   * throws ends the copy (the target keeps what was copied so far: it is the caller's to remove).
   */
  public static <E extends Exception> void copy(Fd source, Fd target, CopyProgress progress,
      CopyCheckpoint<E> checkpoint) throws NativeException, E {
    checkpoint.check();
    try {
      copy(source, target, checkpoint.before(progress));
    } catch (CopyCheckpoint.Stopped e) {
      throw e.<E>thrown();
    }
  }
}
