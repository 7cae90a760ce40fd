package io.jimg.transfer.http;

import io.jimg.images.Cancellation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link Fetcher} talks to servers. A read that waits longer than {@code readTimeout} counts as a stall
 * and aborts the attempt; connection errors, stalls and 5xx answers are retried up to {@code attempts} times in
 * all, waiting {@code backoff}, then twice that, and so on. {@code environment} supplies the proxy variables.
 */
public record HttpOptions(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff, Path caFile,
    Map<String, String> environment, Sleeper sleeper) {

  /** Waits between attempts; injectable so that tests do not wait. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits on the wall clock, ending the wait early once the work is cancelled. */
    Sleeper WALL_CLOCK = new Sleeper() {
      @Override
      public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
      }

      @Override
      public void sleep(Duration duration, Cancellation cancellation) throws InterruptedException {
        CountDownLatch cancelled = new CountDownLatch(1);
        try (Cancellation.Registration wake = cancellation.onCancel(cancelled::countDown)) {
          cancelled.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    };

    void sleep(Duration duration) throws InterruptedException;

    /** Waits as {@link #sleep(Duration)}; one that can, returns early once {@code cancellation} is cancelled. */
    default void sleep(Duration duration, Cancellation cancellation) throws InterruptedException {
      sleep(duration);
    }
  }

  public HttpOptions {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(sleeper, "sleeper");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
  }

  public static HttpOptions defaults() {
    return new HttpOptions(Duration.ofSeconds(30), Duration.ofSeconds(60), 4, Duration.ofSeconds(1), null,
        System.getenv(), Sleeper.WALL_CLOCK);
  }

  public HttpOptions withCaFile(Path file) {
    return new HttpOptions(connectTimeout, readTimeout, attempts, backoff, file, environment, sleeper);
  }

  public HttpOptions withEnvironment(Map<String, String> variables) {
    return new HttpOptions(connectTimeout, readTimeout, attempts, backoff, caFile, variables, sleeper);
  }

  public HttpOptions withTimeouts(Duration connect, Duration read) {
    return new HttpOptions(connect, read, attempts, backoff, caFile, environment, sleeper);
  }

  public HttpOptions withRetries(int count, Duration firstBackoff, Sleeper waiter) {
    return new HttpOptions(connectTimeout, readTimeout, count, firstBackoff, caFile, environment, waiter);
  }
}
