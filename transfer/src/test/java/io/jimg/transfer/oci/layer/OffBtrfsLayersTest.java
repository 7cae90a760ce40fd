package io.jimg.transfer.oci.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.ImageType;
import io.jimg.transfer.TestStores;
import io.jimg.transfer.tar.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Off btrfs the pool keeps no layers: the layer store says so and refuses, and the layers go in order into one
 * new image, whiteouts and all, each checked against its diff id.
 */
class OffBtrfsLayersTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  @Test
  void theLayersAreAppliedInOrderIntoOneImage() throws Exception {
    Path pool = EXT4.newDirectory("pool");
    ImageStore store = TestStores.on(pool).build();
    assertFalse(store.layers().supported());
    JimgException refused = assertThrows(JimgException.class, () -> store.layers().create("sha256:" + "1".repeat(64),
        Optional.empty(), layer -> 0, Cancellation.NEVER));
    assertEquals(JimgException.Reason.FAILED, refused.reason());
    byte[] base = new TarBuilder().dir("etc/").file("etc/gone", "x").file("etc/kept", "base").end().bytes();
    byte[] top = new TarBuilder().file("etc/.wh.gone", "").file("etc/kept", "top").hardlink("kept-link", "etc/kept")
        .end().bytes();
    LayerApplier applier = LayerApplier.builder().build();
    store.createTree("stacked", CreateOptions.DEFAULT, applier.stacking(List.of(blob("base", base), blob("top", top))));
    Path image = pool.resolve("stacked");
    assertEquals(ImageType.DIRECTORY, store.show("stacked").type());
    assertEquals(List.of("kept"), LayerApplierTest.names(image.resolve("etc")));
    assertEquals("top", Files.readString(image.resolve("kept-link")));
  }

  private static LayerApplier.Blob blob(String name, byte[] tar) throws Exception {
    String diffId = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar));
    byte[] gzip = LayerApplierTest.compress(tar, io.jimg.transfer.compress.Compression.GZIP);
    return new LayerApplier.Blob(name, io.jimg.transfer.oci.registry.Digest.parse(diffId),
        () -> new ByteArrayInputStream(gzip));
  }
}
