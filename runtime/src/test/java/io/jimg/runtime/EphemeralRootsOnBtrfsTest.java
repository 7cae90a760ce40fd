package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Access;
import io.jimg.images.JimgException;
import io.jimg.runtime.PreparedRoot.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EphemeralRootsOnBtrfsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static FakePool pool;

  @BeforeAll
  static void images() {
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    pool.add("plain", DebianRoot.minbase(), false);
  }

  @Test
  void aSubvolumeImageGivesASnapshotThatLeavesTheImageAlone() throws Exception {
    PreparedRoots roots = PreparedRoots.builder(pool).build();
    Path root;
    try (PreparedRoot prepared = roots.ephemeral("deb")) {
      root = prepared.path();
      assertEquals(Method.SNAPSHOT, prepared.method());
      assertTrue(prepared.isEphemeral());
      assertTrue(root.getFileName().toString().startsWith(".#jimg-"), root.toString());
      Files.writeString(root.resolve("etc/written-by-test"), "x");
      Files.delete(root.resolve("etc/os-release"));
    }
    assertFalse(Files.exists(root));
    assertFalse(Files.exists(BTRFS.root().resolve("deb/etc/written-by-test")));
    assertTrue(Files.exists(BTRFS.root().resolve("deb/etc/os-release")));
    assertEquals(0, pool.openLeases);
    assertEquals(java.util.List.of(), pool.scratchNames());
  }

  @Test
  void aDirectoryImageOnBtrfsGivesAnOverlay() throws Exception {
    PreparedRoots roots = PreparedRoots.builder(pool).build();
    Path root;
    try (PreparedRoot prepared = roots.ephemeral("plain")) {
      root = prepared.path();
      assertEquals(Method.OVERLAY, prepared.method());
      assertEquals(Files.getAttribute(BTRFS.root().resolve("plain"), "unix:mode"),
          Files.getAttribute(root, "unix:mode"));
      Files.writeString(root.resolve("etc/written-by-test"), "x");
      assertTrue(Files.exists(root.resolve("usr/bin/dpkg")));
    }
    assertFalse(Files.exists(root));
    assertFalse(Files.exists(BTRFS.root().resolve("plain/etc/written-by-test")));
    assertEquals(java.util.List.of(), pool.scratchNames());
  }

  @Test
  void theImageItselfIsNotEphemeralAndStaysOnClose() throws Exception {
    PreparedRoots roots = PreparedRoots.builder(pool).build();
    try (PreparedRoot prepared = roots.image("deb", Access.READ)) {
      assertEquals(Method.IMAGE, prepared.method());
      assertFalse(prepared.isEphemeral());
      assertEquals(BTRFS.root().resolve("deb"), prepared.path());
    }
    assertTrue(Files.isDirectory(BTRFS.root().resolve("deb/etc")));
    assertEquals(0, pool.openLeases);
  }

  @Test
  void aTemplateMakesTheImageOnceAndThenReusesIt() throws Exception {
    PreparedRoots roots = PreparedRoots.builder(pool).build();
    Object firstInode;
    try (PreparedRoot prepared = roots.fromTemplate("web", "deb", Access.WRITE)) {
      assertFalse(prepared.isEphemeral());
      assertEquals("web", prepared.image().name());
      Files.writeString(prepared.path().resolve("etc/kept"), "kept");
      firstInode = Files.getAttribute(prepared.path().resolve("etc/kept"), "unix:ino");
    }
    try (PreparedRoot prepared = roots.fromTemplate("web", "deb", Access.WRITE)) {
      assertEquals("kept", Files.readString(prepared.path().resolve("etc/kept")));
      assertEquals(firstInode, Files.getAttribute(prepared.path().resolve("etc/kept"), "unix:ino"));
    }
    assertEquals(java.util.List.of("web"), pool.cloned);
    assertFalse(Files.exists(BTRFS.root().resolve("deb/etc/kept")));
    assertNotEquals(0, Files.size(BTRFS.root().resolve("web/etc/kept")));
  }

  @Test
  void aRunLeasesTheImageAsItsModeNeeds() throws Exception {
    PreparedRoots roots = PreparedRoots.builder(pool).build();
    pool.leaseKinds.clear();
    try (PreparedRoot root = roots.forRun("deb", false, null, true)) {
      assertFalse(root.isEphemeral());
    }
    try (PreparedRoot root = roots.forRun("deb", false, null, false)) {
      assertFalse(root.isEphemeral());
    }
    try (PreparedRoot root = roots.forRun("deb", true, null, false)) {
      assertTrue(root.isEphemeral());
    }
    assertEquals(java.util.List.of(Access.READ, Access.WRITE, Access.READ), pool.leaseKinds);
    JimgException thrown = assertThrows(JimgException.class, () -> roots.forRun("deb", true, "deb", false));
    assertEquals(JimgException.Reason.USAGE, thrown.reason());
  }
}
