package io.jimg.btrfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LoopFilesystemTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @RegisterExtension final LoopFilesystem xfs = LoopFilesystem.xfs().size(320L << 20);

  @Test
  void staticFieldMountsAFreshBtrfsForTheClass() throws IOException {
    assertEquals(LoopFilesystem.Type.BTRFS, BTRFS.type());
    assertEquals("btrfs", mountedType(BTRFS.root()));
    assertEquals("256", Commands.run("stat", "-c", "%i", BTRFS.root().toString()).trim(), "the top of a btrfs");
    // Sparse: a 1 GiB image takes only what mkfs wrote.
    long allocated = (Long) Files.getAttribute(BTRFS.image(), "unix:size");
    assertEquals(LoopFilesystem.DEFAULT_SIZE, allocated);
    long blocks = Long.parseLong(Commands.run("stat", "-c", "%b", BTRFS.image().toString()).trim());
    assertTrue(blocks * 512 < 64L << 20, "image allocates " + blocks * 512 + " bytes");
  }

  @Test
  void instanceFieldMountsXfsWithReflinkPerTest() throws IOException {
    assertEquals("xfs", mountedType(xfs.root()));
    assertNotEquals(BTRFS.root(), xfs.root());
    Path source = xfs.root().resolve("source");
    Files.write(source, new byte[1 << 20]);
    Commands.run("cp", "--reflink=always", source.toString(), xfs.root().resolve("clone").toString());
    assertEquals(1 << 20, Files.size(xfs.root().resolve("clone")));
  }

  @Test
  void afterAllUnmountsEvenWhileAFileIsOpenAndRemovesEverything() throws Exception {
    LoopFilesystem ext4 = LoopFilesystem.ext4().size(64L << 20);
    ext4.beforeAll(null);
    Path root = ext4.root();
    Path image = ext4.image();
    assertEquals("ext4", mountedType(root));
    Files.writeString(root.resolve("held"), "busy");
    try (InputStream held = Files.newInputStream(root.resolve("held"))) {
      ext4.afterAll(null);
      assertNull(mountedType(root), "still mounted at " + root);
      assertEquals('b', held.read(), "a detached filesystem lives on for its open files");
    }
    assertFalse(Files.exists(image));
    assertFalse(Files.exists(root.getParent()));
    assertThrows(IllegalStateException.class, ext4::root);
  }

  @Test
  void tmpfsHasTheAskedSize() throws Exception {
    LoopFilesystem tmpfs = LoopFilesystem.tmpfs().size(32L << 20);
    tmpfs.beforeAll(null);
    try {
      assertEquals("tmpfs", mountedType(tmpfs.root()));
      long blocks = Long.parseLong(Commands.run("stat", "-f", "-c", "%b", tmpfs.root().toString()).trim());
      long blockSize = Long.parseLong(Commands.run("stat", "-f", "-c", "%S", tmpfs.root().toString()).trim());
      assertEquals(32L << 20, blocks * blockSize);
    } finally {
      tmpfs.afterAll(null);
    }
  }

  @Test
  void newDirectoriesAreEmptyAndDistinct() throws IOException {
    Path first = BTRFS.newDirectory("case-");
    Path second = BTRFS.newDirectory("case-");
    assertNotEquals(first, second);
    assertEquals(BTRFS.root(), first.getParent());
    assertTrue(first.getFileName().toString().startsWith("case-"));
    try (var entries = Files.list(second)) {
      assertEquals(0, entries.count());
    }
  }

  @Test
  void refusesAUselessSize() {
    assertThrows(IllegalArgumentException.class, () -> LoopFilesystem.btrfs().size(4096));
  }

  /** The filesystem type mounted exactly at {@code mountPoint}, from this process's mount table; null if none. */
  static String mountedType(Path mountPoint) throws IOException {
    String found = null;
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      List<String> fields = List.of(line.split(" "));
      int separator = fields.indexOf("-");
      if (fields.get(4).equals(mountPoint.toString())) {
        found = fields.get(separator + 1); // the last mount on a point is the visible one
      }
    }
    return found;
  }
}
