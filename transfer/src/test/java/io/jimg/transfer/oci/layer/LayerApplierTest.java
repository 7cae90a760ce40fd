package io.jimg.transfer.oci.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.JimgException;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.tar.TarBuilder;
import io.jimg.transfer.oci.registry.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whiteouts and the layer's own rules, on a lower tree that holds a symlink to a sentinel directory outside the
 * root: hostile whiteouts are refused and reach nothing outside, honest ones remove from the layers below only.
 */
class LayerApplierTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private Path root;
  private Path sentinel;
  private String sentinelBefore;

  @BeforeEach
  void lowerLayer() throws IOException {
    Path place = BTRFS.newDirectory("place");
    sentinel = Files.createDirectory(place.resolve("sentinel"));
    Files.writeString(sentinel.resolve("x"), "sentinel");
    root = Files.createDirectory(place.resolve("root"));
    TestTrees.bash("cd " + root + " && mkdir -p dir/sub && echo lower > dir/file && echo lower > dir/sub/deep"
        + " && echo lower > top && ln -s " + sentinel + " link && ln -s ../sentinel rel");
    sentinelBefore = TestTrees.describe(sentinel);
  }

  private LayerApplier.Applied apply(byte[] layer) throws IOException {
    try (Fd fd = Fd.openDirectory(root)) {
      return LayerApplier.builder().build().apply(new ByteArrayInputStream(layer), "the layer", fd);
    }
  }

  private void assertRefused(String reason, UnaryOperator<TarBuilder> layer) throws IOException {
    String lowerBefore = TestTrees.describe(root);
    IOException e = assertThrows(IOException.class, () -> apply(layer.apply(new TarBuilder()).end().bytes()));
    assertTrue(e.getMessage().contains(reason), "'" + e.getMessage() + "' should contain '" + reason + "'");
    assertEquals(sentinelBefore, TestTrees.describe(sentinel));
    assertEquals(lowerBefore, TestTrees.describe(root), "a refused whiteout removes nothing");
  }

  @ParameterizedTest
  @ValueSource(strings = {".wh..", ".wh...", ".wh.", "dir/.wh..", "dir/.wh..."})
  void aWhiteoutOfTheRootOrItsParentIsRefused(String name) throws IOException {
    assertRefused("names no file", b -> b.file(name, ""));
  }

  @Test
  void aWhiteoutThroughASymlinkIsRefused() throws IOException {
    assertRefused("is a symlink", b -> b.file("link/.wh.x", ""));
    assertRefused("is a symlink", b -> b.file("rel/.wh.x", ""));
    assertRefused("is a symlink", b -> b.file("link/.wh..wh..opq", ""));
  }

  @Test
  void aWhiteoutOutsideTheRootIsRefused() throws IOException {
    assertRefused("'..'", b -> b.file("../.wh.x", ""));
    assertRefused("'..'", b -> b.file("dir/../../sentinel/.wh.x", ""));
    assertRefused("a whiteout name stands for a directory", b -> b.file(".wh.dir/file", ""));
  }

  @Test
  void aHardLinkThroughASymlinkOrToADirectoryIsRefused() throws IOException {
    assertRefused("is a symlink", b -> b.hardlink("stolen", "link/x"));
    assertRefused("no file this archive created before it or its parent layers hold", b -> b.hardlink("d", "dir"));
  }

  @Test
  void aWhiteoutOfASymlinkRemovesTheLinkNotItsTarget() throws IOException {
    apply(new TarBuilder().file(".wh.link", "").file("dir/.wh.missing", "").file("nowhere/.wh.x", "").end().bytes());
    assertFalse(Files.exists(root.resolve("link"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(root.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS), "a whiteout makes no directory");
    assertEquals(sentinelBefore, TestTrees.describe(sentinel));
  }

  @Test
  void aWhiteoutRemovesALowerTreeButNotThisLayersEntry() throws IOException {
    apply(new TarBuilder().file("top", "this layer").file(".wh.top", "").file("dir/.wh.sub", "").end().bytes());
    assertEquals("this layer", Files.readString(root.resolve("top")));
    assertFalse(Files.exists(root.resolve("dir/sub")));
    assertTrue(Files.exists(root.resolve("dir/file")));
  }

  @Test
  void anOpaqueDirectoryKeepsThisLayersEntriesWhateverTheirOrder() throws IOException {
    apply(new TarBuilder().file("dir/sub/new", "new").file("dir/.wh..wh..opq", "").file("dir/after", "after")
        .end().bytes());
    assertEquals(List.of("after", "sub"), names(root.resolve("dir")));
    assertEquals(List.of("new"), names(root.resolve("dir/sub")));
  }

  @Test
  void anOpaqueRootLeavesOnlyThisLayer() throws IOException {
    apply(new TarBuilder().file("./.wh..wh..opq", "").file("only", "x").end().bytes());
    assertEquals(List.of("only"), names(root));
    assertEquals(sentinelBefore, TestTrees.describe(sentinel));
  }

  @Test
  void anEntryReplacesWhatTheLayersBelowHadThere() throws IOException {
    apply(new TarBuilder().file("dir", "now a file").dir("top/").symlink("link", "elsewhere").end().bytes());
    assertEquals("now a file", Files.readString(root.resolve("dir")));
    assertTrue(Files.isDirectory(root.resolve("top"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("elsewhere", Files.readSymbolicLink(root.resolve("link")).toString());
    assertEquals(sentinelBefore, TestTrees.describe(sentinel));
  }

  @Test
  void aDirectoryOfThisLayerIsNotReplacedByItsOwnFile() throws IOException {
    // What the layer made before its fault stays for the store to drop with the layer's temporary.
    byte[] layer = new TarBuilder().dir("made/").file("made/x", "x").file("made", "file").end().bytes();
    IOException e = assertThrows(IOException.class, () -> apply(layer));
    assertTrue(e.getMessage().contains("a non-directory entry would replace a directory"), e.getMessage());
  }

  @Test
  void theDiffIdIsTheDigestOfTheUncompressedTarWhateverTheCompression() throws Exception {
    byte[] tar = new TarBuilder().file("a", "a").end().bytes();
    String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar));
    for (Compression compression : List.of(Compression.NONE, Compression.GZIP, Compression.ZSTD)) {
      LayerApplier.Applied applied = apply(compress(tar, compression));
      assertEquals(expected, applied.diffId().toString(), compression.formatName());
      assertEquals(compression, applied.compression());
    }
  }

  @Test
  void xzIsNoLayerCompression() throws Exception {
    byte[] layer = compress(new TarBuilder().file("a", "a").end().bytes(), Compression.XZ);
    IOException e = assertThrows(IOException.class, () -> apply(layer));
    assertTrue(e.getMessage().contains("an OCI layer is an uncompressed, gzip or zstd tar archive"), e.getMessage());
    assertFalse(Files.exists(root.resolve("a")));
  }

  @Test
  void aLayerWhoseDiffIdDiffersFailsVerification() throws Exception {
    byte[] tar = new TarBuilder().file("a", "a").end().bytes();
    String wrong = "sha256:" + "0".repeat(64);
    Path store = BTRFS.newDirectory("store");
    io.jimg.images.ImageStore images = io.jimg.transfer.TestStores.on(store).build();
    LayerApplier applier = LayerApplier.builder().build();
    JimgException e = assertThrows(JimgException.class, () -> images.createTree("img",
        new io.jimg.images.CreateOptions(false, false),
        applier.stacking(List.of(new LayerApplier.Blob("layer 1", Digest.parse(wrong),
            () -> new ByteArrayInputStream(tar))))));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains(wrong), e.getMessage());
    assertEquals(List.of(), names(store).stream().filter(n -> !n.startsWith(".#jimg")).toList());
    assertFalse(images.exists("img"));
  }

  static byte[] compress(byte[] data, Compression compression) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream encoder = compression.encoder(out, 1)) {
      encoder.write(data);
    }
    return out.toByteArray();
  }

  static List<String> names(Path directory) throws IOException {
    try (var list = Files.list(directory)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
