package io.jimg.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waits for a line of a child's output: the event a test waits for, not a time. */
final class OutputLines {
  private OutputLines() {}

  /**
   * Reads {@code out} up to the first line that {@code wanted} accepts and returns it; fails at the end of the output
   * or when nothing comes for {@link RootProcesses#HANG_GUARD_MINUTES}, which only a hung child takes.
   */
  static String await(BufferedReader out, Predicate<String> wanted, String what) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        for (String next = out.readLine(); next != null; next = out.readLine()) {
          if (wanted.test(next)) {
            return next;
          }
        }
        throw new AssertionError("the output ended before " + what);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return line.get(RootProcesses.HANG_GUARD_MINUTES, TimeUnit.MINUTES);
  }
}
