package io.jimg.transfer.oci.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.StoreListener;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.testing.DebianOciImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Off btrfs the layers are applied in order into one image, which is umoci's tree; no layer is kept. */
class OffBtrfsPullTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(2L << 30);

  @Test
  void theLayersOfALayoutMakeOneImageAndNoLayer() throws Exception {
    DebianOciImages images = DebianOciImages.get();
    Path pool = EXT4.newDirectory("pool");
    ImageStore store = OciPullerTest.store(pool);
    assertFalse(store.layers().supported());
    OciPuller.Pulled pulled = OciPullerTest.puller(store, pool, StoreListener.NONE).pull(
        ImageReference.parse("oci:" + images.layout() + ":app"), "app", OciPullOptions.defaults().withReadOnly(true),
        Cancellation.NEVER);
    assertEquals(3, pulled.layers());
    assertEquals(0, pulled.reused());
    TestTrees.assertSameTree(images.described("app"), TestTrees.describe(pool.resolve("app")));
    assertTrue(store.show("app").readOnly());
    assertTrue(Files.isRegularFile(pool.resolve("app.nspawn")));
    assertEquals(List.of("app", "app.nspawn", "app.origin"), PoolEntries.of(pool));
  }
}
