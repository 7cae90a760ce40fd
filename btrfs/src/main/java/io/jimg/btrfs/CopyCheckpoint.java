package io.jimg.btrfs;

/**
 * Asked by a copy, between its entries and between the blocks of a large file (64 MiB at most), whether it may go
 * on: what it throws ends the copy, which then removes what it made and throws that on. A stop request is noticed
 * within one entry or block this way. {@code E} is what it throws, which the copy declares in turn.
 */
@FunctionalInterface
public interface CopyCheckpoint<E extends Exception> {
  /** For a copy nothing stops (an ephemeral root's, which its own close removes). */
  CopyCheckpoint<RuntimeException> NONE = () -> {};

  void check() throws E;

  /** {@code progress}, told only after this checkpoint let the copy go on. */
  default CopyProgress before(CopyProgress progress) {
    return (bytes, entries) -> {
      try {
        check();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new Stopped(e);
      }
      progress.copied(bytes, entries);
    };
  }

  /** Carries what the checkpoint threw through the copy, whose own calls throw only NativeException. */
  final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped(Exception cause) {
      super(cause);
    }

    /** What the checkpoint threw, as the type it declares. */
    @SuppressWarnings("unchecked")
    <E extends Exception> E thrown() {
      return (E) getCause();
    }
  }
}
