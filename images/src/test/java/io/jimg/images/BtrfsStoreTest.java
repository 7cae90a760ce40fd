package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.KernelQgroups;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store on btrfs: trees are subvolumes, clones are snapshots, limits are qgroups. */
class BtrfsStoreTest extends StoreContract {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Override
  Path filesystemRoot() {
    return BTRFS.root();
  }

  @Override
  ImageType treeType() {
    return ImageType.SUBVOLUME;
  }

  @Test
  void thePoolIsMadeAsASubvolume() throws IOException {
    store.createRaw("x", CreateOptions.DEFAULT, Pools.raw("x"));
    try (Fd pool = Fd.openDirectory(pools.pool)) {
      assertTrue(Btrfs.isSubvolume(pool));
    }
  }

  @Test
  void cloneOfASubvolumeIsASnapshotWithNestedSubvolumes() throws IOException {
    store.createTree("src", CreateOptions.DEFAULT, Pools.tree("s"));
    Commands.run("btrfs", "subvolume", "create", pools.pool.resolve("src/var-lib").toString());
    Files.writeString(pools.pool.resolve("src/var-lib/data"), "nested");
    Image copy = store.clone("src", "snap", true);
    assertEquals(ImageType.SUBVOLUME, copy.type());
    assertTrue(copy.readOnly());
    assertEquals("nested", Files.readString(pools.pool.resolve("snap/var-lib/data")));
    String show = Commands.run("btrfs", "subvolume", "show", pools.pool.resolve("snap").toString());
    assertTrue(show.contains("Parent UUID:") && !show.contains("Parent UUID: \t\t-"), show);
    store.remove(java.util.List.of("snap", "src"));
    assertEquals(java.util.List.of(), pools.names());
  }

  @Test
  void aCopiedDirectoryBecomesASubvolumeWithItsRootsOwnerModeXattrsAndTimes() throws IOException {
    store.createRaw("seed", CreateOptions.DEFAULT, Pools.raw("x")); // makes the pool
    Path directory = Files.createDirectories(pools.pool.resolve("plain/etc"));
    Files.writeString(directory.resolve("os-release"), "ID=plain\n");
    Path root = pools.pool.resolve("plain");
    Commands.run("chown", "1234:5678", root.toString());
    Commands.run("chmod", "0750", root.toString());
    Commands.run("setfattr", "-n", "user.origin", "-v", "plain", root.toString());
    Commands.run("touch", "-d", "2001-02-03 04:05:06", root.toString());
    assertEquals(ImageType.DIRECTORY, store.show("plain").type());
    Image copy = store.clone("plain", "copy", true);
    assertEquals(ImageType.SUBVOLUME, copy.type());
    assertTrue(copy.readOnly());
    assertEquals("plain", copy.osRelease().get("ID"));
    Path copied = pools.pool.resolve("copy");
    assertEquals(List.of("etc"), Pools.names(copied));
    assertEquals("1234:5678 750", Commands.run("stat", "-c", "%u:%g %a", copied.toString()).strip());
    assertTrue(Commands.run("getfattr", "-n", "user.origin", copied.toString()).contains("\"plain\""));
    assertEquals(Files.getLastModifiedTime(root), Files.getLastModifiedTime(copied));
  }

  @Test
  void anImageLimitIsReadBack() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    store.setLimit("img", 64L << 20);
    writeCounted("img/data");
    Image limited = store.show("img");
    assertEquals(64L << 20, limited.usage().limit());
    assertTrue(limited.usage().bytes() > 0, limited.usage().toString());
    store.setLimit("img", -1);
    assertEquals(-1, store.show("img").usage().limit());
  }

  /** 4 MiB written and committed with quota on: simple quotas count only what is written after they are on. */
  private void writeCounted(String relative) {
    Commands.run("dd", "if=/dev/urandom", "of=" + pools.pool.resolve(relative), "bs=1M", "count=4");
    Commands.run("btrfs", "filesystem", "sync", pools.pool.toString());
  }

  @Test
  void aLimitOfZeroIsAUsageError() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    JimgException image = assertThrows(JimgException.class, () -> store.setLimit("img", 0));
    assertEquals(JimgException.Reason.USAGE, image.reason());
    JimgException pool = assertThrows(JimgException.class, () -> store.setLimit(null, 0));
    assertEquals(JimgException.Reason.USAGE, pool.reason());
  }

  @Test
  void aLimitBelowUsageIsAcceptedWithAWarningAndCanBeRemoved() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    store.setLimit("img", 64L << 20);
    writeCounted("img/data");
    store.setLimit("img", 1L << 20);
    KernelQgroups.assertLimit(1L << 20, pools.pool.resolve("img"));
    assertTrue(pools.events.events.stream().anyMatch(e -> e.kind() == StoreEvent.Kind.WARNING
        && "img".equals(e.image()) && e.message().contains("will fail")), pools.events.events::toString);
    store.setLimit("img", 2L << 20);
    KernelQgroups.assertLimit(2L << 20, pools.pool.resolve("img"));
    store.setLimit("img", -1);
    KernelQgroups.assertLimit(-1, pools.pool.resolve("img"));
  }

  @Test
  void aPoolOverItsLimitStillTakesLocks() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    store.setLimit(null, 64L << 20);
    writeCounted("img/data");
    store.setLimit(null, 1L << 20);
    KernelQgroups.assertLimit(1L << 20, pools.pool);
    // Taking the image's locks makes lock files in the pool; the clone is a snapshot sharing every extent.
    store.clone("img", "copy", false);
    assertTrue(Files.isDirectory(pools.pool.resolve("copy")));
    store.setLimit(null, -1);
    KernelQgroups.assertLimit(-1, pools.pool);
  }

  @Test
  void thePoolLimitIsAQgroupTheKernelEnforces() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    store.setLimit(null, 16L << 20);
    KernelQgroups.assertLimit(16L << 20, pools.pool);
    KernelQgroups.assertWriteRefused(pools.pool.resolve("img/big"), 64);
    Files.delete(pools.pool.resolve("img/big"));
    store.setLimit(null, -1);
    KernelQgroups.assertLimit(-1, pools.pool);
  }

  @Test
  void aReadOnlySubvolumeCanBeRenamedAndRemoved() throws IOException {
    store.createTree("ro", new CreateOptions(false, true), Pools.tree("r"));
    store.rename("ro", "ro2");
    assertTrue(store.show("ro2").readOnly());
    store.remove(java.util.List.of("ro2"));
    assertFalse(Files.exists(pools.pool.resolve("ro2")));
  }
}
