package io.jimg.transfer.oci.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.tar.TarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three layers built by umoci (a base with every kind of entry, a layer of deletions and changes that umoci writes
 * as whiteouts, and a layer with an opaque directory and a hard link to a lower file), applied by jimg onto one
 * tree and by {@code umoci raw unpack}: the trees match entry by entry, owners, modes, xattrs, hard links and
 * devices included, and each diff id is the one umoci's config lists.
 */
class LayerApplierUmociTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Test
  void threeLayersMatchUmocisUnpack() throws IOException {
    Path work = BTRFS.newDirectory("umoci");
    UmociLayout oci = UmociLayout.create(work.resolve("oci"), "img");
    String image = work.resolve("oci") + ":img";
    TestTrees.bash("cd " + work + " && umoci unpack --image " + image + " b1");
    TestTrees.make(work.resolve("b1/rootfs"));
    TestTrees.bash("cd " + work + "/b1/rootfs && mkdir -p gone/inner opaque/sub && echo a > gone/inner/a"
        + " && echo old > opaque/old && echo old > opaque/sub/old && echo before > etc/changed"
        + " && mkdir -p dir-becomes-file/x && echo x > dir-becomes-file/x/y && echo f > file-becomes-dir"
        + " && cd " + work + " && umoci repack --image " + image + " b1");
    TestTrees.bash("cd " + work + " && umoci unpack --image " + image + " b2 && cd b2/rootfs"
        + " && rm -rf gone usr/rel-link dir-becomes-file file-becomes-dir && echo after > etc/changed"
        + " && echo now-a-file > dir-becomes-file && mkdir file-becomes-dir && echo in > file-becomes-dir/in"
        + " && chmod 0700 etc && cd " + work + " && umoci repack --image " + image + " b2");
    byte[] third = new TarBuilder().dir("opaque/").file("opaque/.wh..wh..opq", "").dir("opaque/sub/")
        .file("opaque/sub/new", "new\n").file("opaque/new", "new\n").hardlink("hl-lower", "etc/hl1")
        .file("usr/.wh.hl2", "").end().bytes();
    Files.write(work.resolve("third.tar"), third);
    TestTrees.bash("cd " + work + " && umoci raw add-layer --image " + image + " third.tar"
        + " && umoci raw unpack --image " + image + " expected");

    Path actual = Files.createDirectory(work.resolve("actual"));
    LayerApplier applier = LayerApplier.builder().build();
    List<LayerApplier.Blob> layers = oci.layers("img");
    assertEquals(3, layers.size());
    try (Fd root = Fd.openDirectory(actual)) {
      for (LayerApplier.Blob layer : layers) {
        assertEquals(layer.diffId(), applier.apply(layer.opener().open(), layer.name(), root).diffId());
      }
    }
    TestTrees.assertSameTree(TestTrees.describe(work.resolve("expected")), TestTrees.describe(actual));
    // What the layers did, seen directly, so that a peer that did the same wrong thing cannot hide it.
    assertFalse(Files.exists(actual.resolve("gone"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(actual.resolve("opaque/old")));
    assertFalse(Files.exists(actual.resolve("opaque/sub/old")));
    assertTrue(Files.exists(actual.resolve("opaque/sub/new")));
    assertFalse(Files.exists(actual.resolve("usr/hl2")));
    assertEquals(Files.getAttribute(actual.resolve("etc/hl1"), "unix:ino"),
        Files.getAttribute(actual.resolve("hl-lower"), "unix:ino"));
    assertEquals("after\n", Files.readString(actual.resolve("etc/changed")));
    assertTrue(Files.isRegularFile(actual.resolve("dir-becomes-file"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isDirectory(actual.resolve("file-becomes-dir"), LinkOption.NOFOLLOW_LINKS));
    try (var names = Files.walk(actual)) {
      assertEquals(List.of(), names.filter(p -> p.getFileName().toString().startsWith(".wh.")).toList());
    }
  }
}
