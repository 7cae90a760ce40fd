package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.tar.HostileArchiveTest.Case;
import io.jimg.transfer.tar.HostileArchiveTest.Place;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus applied as an OCI layer (the overlay mode) onto a tree that a lower layer left: every archive
 * refused by import-tar is refused here with the same reason, the sentinel beside the root stays untouched, and
 * the lower layer's files that the archive does not name stay as they were.
 */
class OverlayHostileArchiveTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jimg.transfer.tar.HostileArchiveTest#corpus")
  void refusedAsInAnImportAndTheSentinelStays(Case c) throws IOException {
    Place p = HostileArchiveTest.place(BTRFS.root().resolve("case-" + COUNTER.incrementAndGet()));
    Path lower = Files.createDirectory(p.root().resolve("lower-layer"));
    Files.writeString(lower.resolve("kept"), "from below");
    String before = TestTrees.describe(p.sentinel());
    String lowerBefore = TestTrees.describe(lower);
    HostileArchiveTest.run(c, p, TarImport.builder().overlay(true));
    assertEquals(before, TestTrees.describe(p.sentinel()));
    assertEquals(lowerBefore, TestTrees.describe(lower));
    assertEquals(List.of(p.root(), p.sentinel()), Files.list(p.root().getParent()).sorted().collect(Collectors.toList()));
  }
}
