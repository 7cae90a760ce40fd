package io.jimg.btrfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds (once per machine, 30–60 s) and checks the cached minbase root that other tests use, and its guard. */
class DebianRootTest {
  @Test
  void minbaseIsACompleteBookwormRootWithoutInit() throws IOException {
    Path root = DebianRoot.minbase();
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
  void theFingerprintSeesAnyChangeToARoot(@TempDir Path tree) throws IOException {
    Path file = Files.writeString(tree.resolve("file"), "content");
    String before = DebianRoot.fingerprint(tree);
    assertEquals(before, DebianRoot.fingerprint(tree), "reading changes nothing");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    String chmodded = DebianRoot.fingerprint(tree);
    assertNotEquals(before, chmodded, "a chmod");
    Files.writeString(file, "changed content");
    String written = DebianRoot.fingerprint(tree);
    assertNotEquals(chmodded, written, "a write");
    Files.createSymbolicLink(tree.resolve("link"), Path.of("file"));
    assertNotEquals(written, DebianRoot.fingerprint(tree), "a new entry");
  }
}
