package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.http.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An OCI push names its layer by the digests of the export: two exports of one unchanged tree must be the same
 * bytes, compressed or not, however many threads compress them, or a second push would upload the layer again.
 */
class ReproducibleExportTest {
  @org.junit.jupiter.api.extension.RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static Path source;

  @BeforeAll
  static void makeTree() {
    source = BTRFS.root().resolve("source");
    TestTrees.make(source);
  }

  private static byte[] export(Compression compression, int threads, Sha256 archiveDigest) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Fd root = Fd.openDirectory(source)) {
      TarExport.Builder builder = TarExport.builder().compression(compression).threads(threads);
      if (archiveDigest != null) {
        builder.archiveDigest(archiveDigest);
      }
      builder.build().write(root, out);
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZSTD"})
  void twoExportsOfOneTreeAreTheSameBytes(Compression compression) throws Exception {
    for (int threads : new int[] {1, 4}) {
      byte[] first = export(compression, threads, null);
      byte[] second = export(compression, threads, null);
      assertArrayEquals(first, second, compression + " on " + threads + " threads");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD"})
  void theArchiveDigestIsTheDigestOfTheUncompressedExport(Compression compression) throws Exception {
    try (Sha256 archive = Sha256.create()) {
      export(compression, 4, archive);
      byte[] uncompressed = export(Compression.NONE, 1, null);
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(uncompressed)),
          HexFormat.of().formatHex(archive.digest()));
    }
  }

  /**
   * An export reads every file and directory through descriptors opened with O_NOATIME: it leaves the tree as it
   * found it, so that a subvolume's generation still says whether its contents changed (what a push's record of
   * its layer relies on). relatime would set each access time below, which lies before its change.
   */
  @org.junit.jupiter.api.Test
  void anExportLeavesTheAccessTimesOfFilesAndDirectoriesAlone() throws Exception {
    java.util.List<String> paths = java.util.List.of(source.toString(), source.resolve("etc").toString());
    Path file = java.nio.file.Files.writeString(source.resolve("etc").resolve("read-by-the-export"), "bytes\n");
    io.jimg.btrfs.testing.Commands.run("touch", "-a", "-d", "@86400", file.toString(), paths.get(0), paths.get(1));
    export(Compression.NONE, 1, null);
    for (String path : java.util.List.of(file.toString(), paths.get(0), paths.get(1))) {
      assertEquals("86400", io.jimg.btrfs.testing.Commands.run("stat", "-c", "%X", path).trim(), path);
    }
    java.nio.file.Files.delete(file);
  }
}
