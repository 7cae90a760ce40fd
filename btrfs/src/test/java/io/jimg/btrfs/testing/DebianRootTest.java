package io.jimg.btrfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Builds (once per machine, 30–60 s) and checks the cached minbase root that other tests use. */
class DebianRootTest {
  @Test
  void minbaseIsACompleteBookwormRootWithoutInit() throws IOException {
    Path root = DebianRoot.minbase();
    assertEquals(DebianRoot.CACHE.resolve("minbase"), root);
    assertTrue(Files.readString(root.resolve("etc/debian_version")).startsWith("12."),
        "not bookworm: " + Files.readString(root.resolve("etc/debian_version")));
    assertTrue(Files.isExecutable(root.resolve("usr/bin/dpkg")));
    assertTrue(Files.isSymbolicLink(root.resolve("bin")), "bookworm has a merged /usr");
    assertFalse(Files.exists(root.resolve("usr/sbin/init")), "minbase has no init");
    // debootstrap finished cleanly: nothing left mounted in it, no build directory left beside it.
    assertFalse(Files.exists(root.resolve("debootstrap")));
    assertEquals(null, LoopFilesystemTest.mountedType(root.resolve("proc")));
    try (var entries = Files.list(DebianRoot.CACHE)) {
      assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".build-")));
    }
  }

  @Test
  void concurrentCallersShareOneRoot() {
    CompletableFuture<Path> first = CompletableFuture.supplyAsync(DebianRoot::minbase);
    CompletableFuture<Path> second = CompletableFuture.supplyAsync(DebianRoot::minbase);
    assertEquals(first.join(), second.join());
  }
}
