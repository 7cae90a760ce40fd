package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.runtime.PreparedRoot.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Off btrfs an ephemeral root is an overlay (as fast as a snapshot, whatever the image's size), else a copy. */
class EphemeralRootsOffBtrfsTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem OTHER_BTRFS = LoopFilesystem.btrfs().size(256L << 20);

  @Test
  void onExt4() throws Exception {
    overlayLeavesTheImageAlone(EXT4.root());
  }

  @Test
  void onTmpfs() throws Exception {
    overlayLeavesTheImageAlone(TMPFS.root());
  }

  @Test
  void aVendorImageOnAnotherFilesystemGetsItsRootInTheWritablePool() throws Exception {
    FakePool pool = new FakePool(TMPFS.root());
    pool.add("vendor", DebianRoot.minbase(), false);
    pool.scratchDirectory = BTRFS.root();
    try (PreparedRoot prepared = PreparedRoots.builder(pool).build().ephemeral("vendor")) {
      assertEquals(Method.OVERLAY, prepared.method());
      assertEquals(BTRFS.root(), prepared.path().getParent());
      Files.writeString(prepared.path().resolve("etc/written-by-test"), "x");
    }
    assertFalse(Files.exists(TMPFS.root().resolve("vendor/etc/written-by-test")));
    assertEquals(List.of(), pool.scratchNames());
  }

  @Test
  void aSubvolumeOnAnotherBtrfsFallsBackFromSnapshotToOverlay() throws Exception {
    FakePool pool = new FakePool(BTRFS.root());
    pool.add("elsewhere", DebianRoot.minbase(), true);
    pool.scratchDirectory = OTHER_BTRFS.root();
    try (PreparedRoot prepared = PreparedRoots.builder(pool).build().ephemeral("elsewhere")) {
      assertEquals(Method.OVERLAY, prepared.method(), "a snapshot cannot cross filesystems (EXDEV)");
      assertTrue(Files.isRegularFile(prepared.path().resolve("etc/debian_version")));
    }
    assertEquals(List.of(), pool.scratchNames());
  }

  @Test
  void whereOverlaysAreNotWantedACopyServes() throws Exception {
    FakePool pool = new FakePool(EXT4.root());
    pool.add("copied", DebianRoot.minbase(), false);
    PreparedRoots roots = PreparedRoots.builder(pool).ephemeralMethods(Method.COPY).build();
    Path root;
    try (PreparedRoot prepared = roots.ephemeral("copied")) {
      root = prepared.path();
      assertEquals(Method.COPY, prepared.method());
      assertEquals(Files.readString(EXT4.root().resolve("copied/etc/debian_version")),
          Files.readString(root.resolve("etc/debian_version")));
      Files.writeString(root.resolve("etc/written-by-test"), "x");
    }
    assertFalse(Files.exists(root));
    assertFalse(Files.exists(EXT4.root().resolve("copied/etc/written-by-test")));
    assertEquals(List.of(), pool.scratchNames());
  }

  @Test
  void aRawImageIsCopiedWithItsHoles() throws Exception {
    rawCopyLeavesTheImageAlone(EXT4.root(), false);
  }

  @Test
  void aRawImageOnBtrfsIsAReflink() throws Exception {
    rawCopyLeavesTheImageAlone(BTRFS.root(), true);
  }

  private static void rawCopyLeavesTheImageAlone(Path directory, boolean reflinked) throws Exception {
    FakePool pool = new FakePool(directory);
    Path raw = directory.resolve("disk.raw");
    try (var file = new java.io.RandomAccessFile(raw.toFile(), "rw")) {
      file.setLength(64L << 20);
      file.seek(32L << 20);
      file.write("data in the middle".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    Path copy;
    try (PreparedRoot prepared = PreparedRoots.builder(pool).build().ephemeral("disk")) {
      copy = prepared.path();
      assertEquals(Method.COPY, prepared.method());
      assertEquals(64L << 20, Files.size(copy));
      assertTrue(java.util.Arrays.equals(Files.readAllBytes(raw), Files.readAllBytes(copy)));
      assertTrue((Long) Files.getAttribute(copy, "unix:size") > 0);
      long blocks = Long.parseLong(io.jimg.btrfs.testing.Commands.run("stat", "-c", "%b", copy.toString()).trim());
      assertTrue(blocks < 4096, "holes stay holes: " + blocks + " blocks");
      String extents = io.jimg.btrfs.testing.Commands.run("filefrag", "-v", copy.toString());
      // FIEMAP's shared flag: the copy's one data extent is the image's, not written again.
      assertEquals(reflinked, extents.contains("shared"), extents);
      try (var file = new java.io.RandomAccessFile(copy.toFile(), "rw")) {
        file.write(1);
      }
    }
    assertFalse(Files.exists(copy));
    assertEquals(0, Files.readAllBytes(raw)[0]);
    Files.delete(raw);
  }

  private static void overlayLeavesTheImageAlone(Path directory) throws Exception {
    FakePool pool = new FakePool(directory);
    pool.add("deb", DebianRoot.minbase(), false);
    Path root;
    try (PreparedRoot prepared = PreparedRoots.builder(pool).build().ephemeral("deb")) {
      root = prepared.path();
      assertEquals(Method.OVERLAY, prepared.method());
      Files.writeString(root.resolve("etc/written-by-test"), "x");
      Files.delete(root.resolve("etc/os-release"));
      assertEquals(2, pool.scratchNames().size(), "the mount point and the layers");
    }
    assertFalse(Files.exists(root));
    assertFalse(Files.exists(directory.resolve("deb/etc/written-by-test")));
    assertTrue(Files.exists(directory.resolve("deb/etc/os-release")));
    assertEquals(List.of(), pool.scratchNames());
  }
}
