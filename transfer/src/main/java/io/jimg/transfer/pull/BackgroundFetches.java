package io.jimg.transfer.pull;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The few short fetches and reads of a pull (the keyrings, the checksum file with its signature, the settings
 * file) run on an executor while the store is checked and the URL locked, and are awaited where they are needed;
 * an OCI pull's next layer downloads the same way while the previous one is applied.
 */
public final class BackgroundFetches {
  public interface Task<T> {
    T run() throws IOException;
  }

  private final Executor executor;

  public BackgroundFetches(Executor executor) {
    this.executor = executor;
  }

  /** Runs {@code task} on the executor where {@code wanted}; a future of null otherwise. */
  public <T> CompletableFuture<T> start(boolean wanted, Task<T> task) {
    CompletableFuture<T> future = new CompletableFuture<>();
    if (!wanted) {
      future.complete(null);
      return future;
    }
    executor.execute(() -> {
      try {
        future.complete(task.run());
      } catch (Throwable e) {
        future.completeExceptionally(e);
      }
    });
    return future;
  }

  /**
   * The task's result, or the very exception it threw. The wait is not cut short by an interrupt (the caller's
   * interrupt status stays set): a task that holds a file is always seen to its end.
   */
  public static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }
}
