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

/** Off btrfs an ephemeral root is an overlay: as fast as a snapshot, whatever the image's size. */
class EphemeralRootsOffBtrfsTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  @Test
  void onExt4() throws Exception {
    overlayLeavesTheImageAlone(EXT4.root());
  }

  @Test
  void onTmpfs() throws Exception {
    overlayLeavesTheImageAlone(TMPFS.root());
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
