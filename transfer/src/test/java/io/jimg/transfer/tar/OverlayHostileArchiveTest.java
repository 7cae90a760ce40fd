package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.tar.HostileArchiveTest.Case;
import io.jimg.transfer.tar.HostileArchiveTest.Place;
import java.io.ByteArrayInputStream;
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
    Path place = Files.createDirectory(BTRFS.root().resolve("case-" + COUNTER.incrementAndGet()));
    Path sentinel = Files.createDirectory(place.resolve("sentinel"));
    Files.writeString(sentinel.resolve("file"), "sentinel");
    Path root = Files.createDirectory(place.resolve("root"));
    Path lower = Files.createDirectory(root.resolve("lower-layer"));
    Files.writeString(lower.resolve("kept"), "from below");
    Place p = new Place(root, sentinel);
    String before = TestTrees.describe(sentinel);
    String lowerBefore = TestTrees.describe(lower);
    byte[] archive = c.archive().apply(p);
    TarImport importer = TarImport.builder().sizeMax(c.sizeMax()).decoderLimits(c.limits()).tarLimits(c.tarLimits())
        .overlay(true).build();
    if (c.error() == null) {
      HostileArchiveTest.extract(importer, new ByteArrayInputStream(archive), root);
      c.check().verify(p);
    } else {
      TarException e = assertThrows(TarException.class,
          () -> HostileArchiveTest.extract(importer, new ByteArrayInputStream(archive), root));
      assertTrue(e.getMessage().contains(c.error()), "'" + e.getMessage() + "' should contain '" + c.error() + "'");
    }
    assertEquals(before, TestTrees.describe(sentinel));
    assertEquals(lowerBefore, TestTrees.describe(lower));
    assertEquals(List.of(root, sentinel), Files.list(place).sorted().collect(Collectors.toList()));
  }
}
