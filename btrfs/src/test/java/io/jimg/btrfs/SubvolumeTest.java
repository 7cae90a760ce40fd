package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SubvolumeTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem OTHER_BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  private Fd root;

  @BeforeEach
  void open() throws IOException {
    root = Fd.openDirectory(BTRFS.root());
  }

  @AfterEach
  void close() throws Exception {
    try (Fd r = root) {
      for (DirEntry entry : r.list()) {
        Trees.remove(r, entry.name());
      }
    }
  }

  private static byte[] b(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private Path path(String relative) {
    return BTRFS.root().resolve(relative);
  }

  /** Makes image/ with nested subvolumes at several depths, some read-only, and a file in each. */
  private void nestedTree() throws IOException {
    Subvolume.create(root, b("image"));
    Files.writeString(path("image/top.txt"), "top");
    Files.createDirectories(path("image/var/lib"));
    try (Fd lib = Fd.openDirectory(path("image/var/lib"))) {
      Subvolume.create(lib, b("machines"));
    }
    Files.writeString(path("image/var/lib/machines/one.txt"), "one");
    try (Fd machines = Fd.openDirectory(path("image/var/lib/machines"))) {
      Subvolume.create(machines, b("deep"));
    }
    Files.writeString(path("image/var/lib/machines/deep/two.txt"), "two");
    try (Fd image = Fd.openDirectory(path("image"))) {
      Subvolume.create(image, b("home"));
    }
    Files.writeString(path("image/home/three.txt"), "three");
    try (Fd home = Fd.openDirectory(path("image/home"))) {
      Subvolume.setReadOnly(home, true);
    }
  }

  @Test
  void createsSubvolumeWithInfo() throws IOException {
    Subvolume.create(root, b("fresh"));
    try (Fd fresh = root.openDirectory("fresh")) {
      assertTrue(Btrfs.isSubvolume(fresh));
      SubvolumeInfo info = Subvolume.info(fresh);
      assertTrue(info.id() >= 256, "subvolume ids start at 256: " + info.id());
      assertNull(info.parentUuid());
      assertFalse(info.readOnly());
      assertTrue(info.generation() > 0);
      assertNotEquals(null, info.created());
    }
    String listing = Commands.run("btrfs", "subvolume", "list", BTRFS.root().toString());
    assertTrue(listing.contains("path fresh"), listing);
  }

  @Test
  void plainDirectoryIsNoSubvolume() throws IOException {
    root.mkdir("plain", 0755);
    try (Fd plain = root.openDirectory("plain")) {
      assertFalse(Btrfs.isSubvolume(plain));
    }
  }

  @Test
  void writableSnapshotIsIndependentOfItsSource() throws IOException {
    Subvolume.create(root, b("source"));
    Files.writeString(path("source/file"), "before");
    try (Fd source = root.openDirectory("source")) {
      Subvolume.snapshot(source, root, b("copy"), ReadOnly.NO);
      try (Fd copy = root.openDirectory("copy")) {
        assertEquals(Subvolume.info(source).uuid(), Subvolume.info(copy).parentUuid());
        assertFalse(Subvolume.isReadOnly(copy));
      }
    }
    Files.writeString(path("copy/file"), "after");
    assertEquals("before", Files.readString(path("source/file")));
    assertEquals("after", Files.readString(path("copy/file")));
  }

  @Test
  void readOnlySnapshotRefusesWrites() throws IOException {
    Subvolume.create(root, b("source"));
    try (Fd source = root.openDirectory("source")) {
      Subvolume.snapshot(source, root, b("frozen"), ReadOnly.YES);
    }
    try (Fd frozen = root.openDirectory("frozen")) {
      assertTrue(Subvolume.isReadOnly(frozen));
      assertTrue(Subvolume.info(frozen).readOnly());
      NativeException e = assertThrows(NativeException.class, () -> frozen.mkdir("x", 0755));
      assertEquals("EROFS", e.errnoName());
    }
    assertEquals("ro=true", Commands.run("btrfs", "property", "get", "-ts", path("frozen").toString(), "ro").trim());
  }

  @Test
  void recursiveSnapshotCarriesNestedSubvolumesIntoPlace() throws IOException {
    nestedTree();
    try (Fd image = root.openDirectory("image")) {
      Subvolume.snapshot(image, root, b("clone"), ReadOnly.NO);
    }
    for (String nested : List.of("clone", "clone/var/lib/machines", "clone/var/lib/machines/deep", "clone/home")) {
      try (Fd fd = Fd.openDirectory(path(nested))) {
        assertTrue(Btrfs.isSubvolume(fd), nested + " should be a subvolume");
      }
    }
    assertEquals("two", Files.readString(path("clone/var/lib/machines/deep/two.txt")));
    assertEquals("three", Files.readString(path("clone/home/three.txt")));
    // A nested subvolume keeps its own read-only flag; the others stay writable.
    try (Fd home = Fd.openDirectory(path("clone/home"));
        Fd machines = Fd.openDirectory(path("clone/var/lib/machines"))) {
      assertTrue(Subvolume.isReadOnly(home));
      assertFalse(Subvolume.isReadOnly(machines));
    }
  }

  @Test
  void readOnlyRecursiveSnapshotEndsReadOnlyChildrenIncluded() throws IOException {
    nestedTree();
    try (Fd image = root.openDirectory("image")) {
      Subvolume.snapshot(image, root, b("frozen"), ReadOnly.YES);
    }
    for (String nested : List.of("frozen", "frozen/var/lib/machines", "frozen/var/lib/machines/deep", "frozen/home")) {
      assertEquals("ro=true", Commands.run("btrfs", "property", "get", "-ts", path(nested).toString(), "ro").trim(),
          nested);
    }
    assertEquals("one", Files.readString(path("frozen/var/lib/machines/one.txt")));
  }

  @Test
  void recursiveDeleteRemovesReadOnlyTreesDeepestFirst() throws IOException {
    nestedTree();
    try (Fd image = root.openDirectory("image")) {
      Subvolume.snapshot(image, root, b("frozen"), ReadOnly.YES);
    }
    Subvolume.delete(root, b("frozen"));
    Subvolume.delete(root, b("image"));
    assertNull(root.statIfExists("frozen"));
    assertNull(root.statIfExists("image"));
    String listing = Commands.run("btrfs", "subvolume", "list", BTRFS.root().toString());
    assertFalse(listing.contains("path"), listing);
  }

  @Test
  void snapshotOntoAnExistingNameFailsNamingIt() throws IOException {
    Subvolume.create(root, b("source"));
    root.mkdir("taken", 0755);
    try (Fd source = root.openDirectory("source")) {
      NativeException e = assertThrows(NativeException.class,
          () -> Subvolume.snapshot(source, root, b("taken"), ReadOnly.NO));
      assertEquals("EEXIST", e.errnoName());
      assertTrue(e.getMessage().contains(path("taken").toString()), e.getMessage());
    }
  }

  @Test
  void snapshotCannotCrossFilesystems() throws IOException {
    Subvolume.create(root, b("source"));
    try (Fd source = root.openDirectory("source");
        Fd other = Fd.openDirectory(OTHER_BTRFS.root());
        Fd tmpfs = Fd.openDirectory(TMPFS.root())) {
      NativeException crossBtrfs = assertThrows(NativeException.class,
          () -> Subvolume.snapshot(source, other, b("copy"), ReadOnly.NO));
      assertEquals("EXDEV", crossBtrfs.errnoName());
      NativeException notBtrfs = assertThrows(NativeException.class,
          () -> Subvolume.snapshot(source, tmpfs, b("copy"), ReadOnly.NO));
      assertEquals("ENOTTY", notBtrfs.errnoName());
      assertTrue(notBtrfs.getMessage().contains("not on btrfs"), notBtrfs.getMessage());
      assertNull(tmpfs.statIfExists("copy"));
    }
  }

  @Test
  void readOnlyFlagToggles() throws IOException {
    Subvolume.create(root, b("toggle"));
    try (Fd toggle = root.openDirectory("toggle")) {
      Subvolume.setReadOnly(toggle, true);
      assertTrue(Subvolume.isReadOnly(toggle));
      Subvolume.setReadOnly(toggle, false);
      assertFalse(Subvolume.isReadOnly(toggle));
      toggle.mkdir("writable-again", 0755);
    }
  }

  @Test
  void namesThatAreNotUtf8Survive() throws IOException {
    byte[] name = {'i', 'm', (byte) 0xff, (byte) 0xfe};
    Subvolume.create(root, name);
    try (Fd created = root.openDirectory(name)) {
      Subvolume.snapshot(created, root, new byte[] {'s', (byte) 0xc3}, ReadOnly.NO);
    }
    List<DirEntry> entries = root.list();
    assertTrue(entries.stream().anyMatch(e -> java.util.Arrays.equals(e.name(), name)));
    Subvolume.delete(root, name);
    assertNull(root.statIfExists(name));
    assertTrue(root.list().stream().anyMatch(e -> java.util.Arrays.equals(e.name(), new byte[] {'s', (byte) 0xc3})));
  }

  @Test
  void deleteRefusesAPlainDirectory() throws IOException {
    root.mkdir("plain", 0755);
    NativeException e = assertThrows(NativeException.class, () -> Subvolume.delete(root, b("plain")));
    assertEquals("EINVAL", e.errnoName());
    assertTrue(root.statIfExists("plain").isDirectory());
  }
}
