package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.TestTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What `jimg export-tar` writes, read by systemd's own importer (systemd-import 252) into the same root as the
 * image's, owners, modes, devices, xattrs, ACLs and holes included.
 */
class ExportsReadByPeersTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final String SYSTEMD_IMPORT = "/lib/systemd/systemd-import";
  static Path pool;
  static String expected;

  /** An image made by import-fs from a tree of every kind of entry the export must carry. */
  @BeforeAll
  static void image() {
    Requirements.require(Files.isExecutable(Path.of(SYSTEMD_IMPORT)), SYSTEMD_IMPORT + " (systemd-container)");
    Path source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    expected = TestTrees.describe(source);
    pool = BTRFS.root().resolve("pool");
    JimgRunner.Result imported = new JimgRunner().run("--image-root=" + pool, "import-fs", source.toString(), "img");
    assertEquals(0, imported.exitCode(), imported::toString);
  }

  private static Path export(String suffix) {
    Path archive = BTRFS.root().resolve("img.tar" + suffix);
    JimgRunner.Result exported = new JimgRunner().run("--image-root=" + pool, "export-tar", "img", archive.toString());
    assertEquals(0, exported.exitCode(), exported::toString);
    return archive;
  }

  @ParameterizedTest
  @ValueSource(strings = {".xz", ".gz"})
  void systemdImportReadsTheExportIntoTheSameRoot(String suffix) throws Exception {
    Path archive = export(suffix);
    Path theirs = Files.createDirectories(BTRFS.root().resolve("systemd-pool" + suffix));
    Commands.run(SYSTEMD_IMPORT, "--image-root=" + theirs, "tar", archive.toString(), "img");
    TestTrees.assertSameTree(expected, TestTrees.describe(theirs.resolve("img")));
  }

  /**
   * systemd-import 252 cannot read zstd tarballs at all (it knows xz, gzip and bzip2 only; zstd came in a later
   * release), so a zstd export is for GNU tar, which must read it into the same root.
   */
  @Test
  void aZstdExportIsReadByGnuTarSinceSystemdImport252CannotReadZstd() throws Exception {
    Path archive = export(".zst");
    Path theirs = Files.createDirectories(BTRFS.root().resolve("systemd-pool.zst"));
    Commands.Result refused = Commands.exec(SYSTEMD_IMPORT, "--image-root=" + theirs, "tar", archive.toString(), "img");
    assertFalse(refused.succeeded() && Files.exists(theirs.resolve("img/usr")),
        "systemd-import now reads zstd: check it like xz and gzip above\n" + refused.output());
    Path gnu = Files.createDirectories(BTRFS.root().resolve("gnu-tar"));
    Commands.run("tar", "--zstd", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls", "-xpf",
        archive.toString(), "-C", gnu.toString());
    TestTrees.assertSameTree(expected, TestTrees.describe(gnu));
  }
}
