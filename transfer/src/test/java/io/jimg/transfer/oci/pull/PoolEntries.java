package io.jimg.transfer.oci.pull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a pool directory holds, for the tests that check a failed or cancelled pull left nothing. */
final class PoolEntries {
  private PoolEntries() {}

  /** Every entry's name but lock files ({@code .#NAME.lck}, kept by design), sorted. */
  static List<String> of(Path pool) throws IOException {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> !(n.startsWith(".#") && n.endsWith(".lck")))
          .sorted().toList();
    }
  }

  /** The entries whose names start with a dot, lock files left out. */
  static List<String> hidden(Path pool) throws IOException {
    return of(pool).stream().filter(n -> n.startsWith(".")).toList();
  }
}
