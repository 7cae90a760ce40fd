package io.jimg.btrfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a stopped operation may have left: the entries of directories (hidden temporaries and lock files included,
 * as a plain listing shows them) and live threads of jimg's ({@code jimg-*}) that were not there before. Taken
 * before the operation; {@link #assertNone} compares with the state after it.
 */
public final class Leftovers {
  private final Map<Path, List<String>> listings = new LinkedHashMap<>();
  private final Set<Thread> threads;

  private Leftovers(List<Path> directories) {
    for (Path directory : directories) {
      listings.put(directory, listing(directory));
    }
    this.threads = Thread.getAllStackTraces().keySet();
  }

  /** The state now of {@code directories} (a missing one lists as empty) and of the live threads. */
  public static Leftovers of(Path... directories) {
    return new Leftovers(List.of(directories));
  }

  /** Fails where a directory lists differently from before, or a jimg thread started since is still alive. */
  public void assertNone() {
    for (Map.Entry<Path, List<String>> before : listings.entrySet()) {
      assertEquals(before.getValue(), listing(before.getKey()), "the entries of " + before.getKey());
    }
    List<String> started = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("jimg-") && !threads.contains(thread) && thread.isAlive()) {
        started.add(thread.getName());
      }
    }
    assertEquals(List.of(), started, "threads of the operation still alive");
  }

  private static List<String> listing(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
