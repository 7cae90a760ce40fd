package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.compress.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** jimg's export must read back to the same tree in GNU tar, in systemd-import and in jimg itself. */
class TarExportRoundTripTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final String SYSTEMD_IMPORT = "/lib/systemd/systemd-import";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path source;
  private static String expected;

  @BeforeAll
  static void makeTree() {
    source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    expected = TestTrees.describe(source);
  }

  /** Exports as export-tar does: into a descriptor, which an uncompressed export has the kernel copy data into. */
  private static Path export(Compression compression) throws IOException {
    return export(source, compression);
  }

  private static Path export(Path tree, Compression compression) throws IOException {
    Path archive = BTRFS.root().resolve("export-" + COUNTER.incrementAndGet() + ".tar" + compression.suffix());
    try (Fd root = Fd.openDirectory(tree); OutputStream out = new DescriptorOutputStream(
        Fd.open(archive, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, 0644))) {
      TarExport.builder().compression(compression).threads(2).build().write(root, out);
    }
    return archive;
  }

  /** Exports into a plain stream (standard output, say), where the bytes pass through Java. */
  private static Path exportToStream(Compression compression) throws IOException {
    Path archive = BTRFS.root().resolve("export-" + COUNTER.incrementAndGet() + ".tar" + compression.suffix());
    try (Fd root = Fd.openDirectory(source); OutputStream out = Files.newOutputStream(archive)) {
      TarExport.builder().compression(compression).threads(2).build().write(root, out);
    }
    return archive;
  }

  private static Path fresh() throws IOException {
    return Files.createDirectory(BTRFS.root().resolve("target-" + COUNTER.incrementAndGet()));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void gnuTarReadsTheExportBackToTheSameTree(Compression compression) throws IOException {
    Path archive = export(compression);
    Path target = fresh();
    TestTrees.bash("tar --numeric-owner --xattrs --xattrs-include='*' --acls -xpf " + archive + " -C " + target);
    TestTrees.assertSameTree(expected, TestTrees.describe(target));
    assertTrue(TestTrees.diskUsage(target.resolve("sparse")) <= 64 * 1024, "GNU tar restores the holes");
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "XZ", "BZIP2"})
  void systemdImportReadsTheExportBackToTheSameTree(Compression compression) throws IOException {
    Requirements.require(Files.isExecutable(Path.of(SYSTEMD_IMPORT)), SYSTEMD_IMPORT + " (systemd-container)");
    Path archive = export(compression);
    Path pool = fresh();
    TestTrees.bash(SYSTEMD_IMPORT + " --image-root=" + pool + " tar " + archive + " image");
    TestTrees.assertSameTree(expected, TestTrees.describe(pool.resolve("image")));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void jimgReadsItsOwnExportBack(Compression compression) throws IOException {
    Path archive = export(compression);
    Path target = fresh();
    try (Fd root = Fd.openDirectory(target); InputStream in = Files.newInputStream(archive)) {
      TarImport.builder().build().extract(in, root);
    }
    TestTrees.assertSameTree(expected, TestTrees.describe(target));
  }

  @Test
  void gnuTarListsTheExport() throws IOException {
    String listing = TestTrees.bash("tar --numeric-owner -tvvf " + export(Compression.NONE));
    assertTrue(listing.contains("./usr/bin/suid"), listing);
    assertTrue(listing.contains("-rwsr-xr-x 0/0"), listing);
    assertTrue(listing.contains("./sparse"), listing);
    assertTrue(listing.contains("./usr/hl2 link to ./etc/hl1") || listing.contains("link to"), listing);
    assertTrue(listing.contains("crw-rw-rw- 0/0") && listing.contains("1,3"), listing);
    assertTrue(listing.contains("70000/70001"), listing);
  }

  @Test
  void exportIsTheSameEachTime() throws IOException {
    assertEquals(-1L, Files.mismatch(export(Compression.NONE), export(Compression.NONE)));
  }

  @Test
  void exportToAStreamIsTheSameAsToADescriptor() throws IOException {
    assertEquals(-1L, Files.mismatch(export(Compression.NONE), exportToStream(Compression.NONE)));
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "ZSTD"})
  void jimgReadsItsOwnStreamedExportBack(Compression compression) throws IOException {
    Path archive = exportToStream(compression);
    Path target = fresh();
    try (Fd root = Fd.openDirectory(target)) {
      TarImport.builder().build().extract(archive, root);
    }
    TestTrees.assertSameTree(expected, TestTrees.describe(target));
  }

  /** The read-ahead once listed the export's own root descriptor, and an export came out with the root alone. */
  @Test
  void readAheadLeavesTheRootListingToTheExport() throws IOException {
    Path wide = Files.createDirectory(BTRFS.root().resolve("wide-" + COUNTER.incrementAndGet()));
    for (int i = 0; i < 3000; i++) { // a listing of several getdents calls, which leaves the race a window
      Files.writeString(wide.resolve("file-" + i), "content " + i);
    }
    for (int round = 0; round < 5; round++) {
      String listing = TestTrees.bash("tar -tf " + export(wide, Compression.NONE));
      assertEquals(3001, listing.lines().count(), "entries in round " + round);
    }
  }
}
