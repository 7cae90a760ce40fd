package io.jimg.images;

import static io.jimg.images.StoreContract.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException.Reason;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A block device in the pool is an image: listed, read-only by BLKROSET, locked as block-MAJ:MIN, never cloned. */
class BlockImageTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  @Test
  void aBlockDeviceIsAnImageOfItsOwnKind() throws Exception {
    Requirements.requireTool("losetup");
    Pools pools = new Pools(TMPFS.root());
    Path backing = pools.base.resolve("backing");
    try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
      file.setLength(8L << 20);
    }
    String device = Commands.run("losetup", "-f", "--show", backing.toString()).strip();
    try {
      Files.createDirectories(pools.pool);
      Commands.run("cp", "-a", device, pools.pool.resolve("disk").toString());
      ImageStore store = pools.store;
      Image image = store.show("disk");
      assertEquals(ImageType.BLOCK, image.type());
      assertFalse(image.readOnly());
      store.setReadOnly("disk", true);
      assertEquals("1", Commands.run("blockdev", "--getro", device).strip());
      assertTrue(store.show("disk").readOnly());
      store.setReadOnly("disk", false);
      assertEquals("0", Commands.run("blockdev", "--getro", device).strip());
      fails(Reason.USAGE, () -> store.clone("disk", "copy", false));
      fails(Reason.USAGE, () -> store.setLimit("disk", 1 << 20));
      String rdev = Commands.run("stat", "-c", "%Hr:%Lr", device).strip();
      try (ImageLease lease = store.lease("disk", Access.READ)) {
        assertTrue(Files.exists(pools.locks.resolve("block-" + rdev)), "locked as nspawn locks block devices");
        fails(Reason.BUSY, () -> store.remove(List.of("disk")));
      }
      store.rename("disk", "disk2");
      store.remove(List.of("disk2"));
      assertEquals(List.of(), pools.names());
      assertTrue(Files.exists(Path.of(device)), "removing the image removes the node, not the device");
    } finally {
      Commands.exec("losetup", "-d", device);
    }
  }
}
