package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Image copy = store.clone("src", "snap", ReadOnly.YES);
    assertEquals(ImageType.SUBVOLUME, copy.type());
    assertTrue(copy.readOnly());
    assertEquals("nested", Files.readString(pools.pool.resolve("snap/var-lib/data")));
    String show = Commands.run("btrfs", "subvolume", "show", pools.pool.resolve("snap").toString());
    assertTrue(show.contains("Parent UUID:") && !show.contains("Parent UUID: \t\t-"), show);
    store.remove(java.util.List.of("snap", "src"));
    assertEquals(java.util.List.of(), pools.names());
  }

  @Test
  void limitsAreQgroupsOnImagesAndOnThePool() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    store.setLimit("img", 64L << 20);
    Image limited = store.show("img");
    assertEquals(64L << 20, limited.usage().limit());
    assertTrue(limited.usage().bytes() > 0, limited.usage().toString());
    store.setLimit("img", -1);
    assertEquals(-1, store.show("img").usage().limit());
    store.setLimit(null, 512L << 20);
    store.setLimit(null, -1);
  }

  @Test
  void aReadOnlySubvolumeCanBeRenamedAndRemoved() throws IOException {
    store.createTree("ro", new CreateOptions(false, ReadOnly.YES), Pools.tree("r"));
    store.rename("ro", "ro2");
    assertTrue(store.show("ro2").readOnly());
    store.remove(java.util.List.of("ro2"));
    assertFalse(Files.exists(pools.pool.resolve("ro2")));
  }
}
