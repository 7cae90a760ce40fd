package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FilesystemSpace;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.ImageStore;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.raw.RawImport;
import io.jimg.transfer.tar.TarBuilder;
import io.jimg.transfer.tar.TarImport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Inputs a few KiB long that expand to a GiB, imported into a pool on a 256 MiB ext4: each stops with an error
 * naming the limit it met, before the filesystem falls below 5% free, leaves nothing in the pool, and writes
 * nothing outside it (java.io.tmpdir points at an empty directory on a filesystem of its own while they run).
 * Where the error is the reserve's, the same input is also unpacked outside the store, which leaves what it
 * wrote in place: the filesystem it stopped on still has its reserve.
 */
class ImportBudgetTest {
  @RegisterExtension static final LoopFilesystem POOL_FS = LoopFilesystem.ext4().size(256L << 20);
  @RegisterExtension static final LoopFilesystem TMP_FS = LoopFilesystem.tmpfs().size(64L << 20);
  /** Where import-fs copies from: another filesystem, so that nothing is shared with the copy. */
  @RegisterExtension static final LoopFilesystem SOURCE_FS = LoopFilesystem.tmpfs().size(320L << 20);
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final String RESERVE = "would fall below 5% free (";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private String savedTmpdir;
  private Path tmpdir;
  private Path work;
  private Path pool;
  private ImageStore store;

  @BeforeEach
  void makePoolAndTmpdir() throws IOException {
    int n = COUNTER.incrementAndGet();
    tmpdir = Files.createDirectory(TMP_FS.root().resolve("tmp-" + n));
    savedTmpdir = System.setProperty("java.io.tmpdir", tmpdir.toString());
    work = Files.createDirectory(POOL_FS.root().resolve("work-" + n));
    pool = Files.createDirectory(POOL_FS.root().resolve("pool-" + n));
    store = TestStores.on(pool).build();
  }

  @AfterEach
  void restoreTmpdir() throws IOException {
    System.setProperty("java.io.tmpdir", savedTmpdir);
    TestTrees.bash("rm -rf " + work + " " + SOURCE_FS.root() + "/*");
    try (Fd root = Fd.openDirectory(POOL_FS.root())) {
      root.syncfs(); // ext4 gives freed blocks back when its journal commits: before the next test
    }
  }

  @Test
  void aRawZstOfAFewKibExpandingToAGibStopsAtTheReserve() throws IOException {
    Path input = zstd("big.raw.zst", new byte[0], GIB, new byte[0]);
    assertTrue(Files.size(input) < 64 * 1024, "the input is small: " + Files.size(input));
    IOException e = assertThrows(IOException.class, () -> Importer.builder(store).build().importRaw(input, "big"));
    assertStopped(e, "import of " + input + " stopped: the filesystem of " + pool + " " + RESERVE, "big");

    Path target = work.resolve("big.raw");
    try (Fd file = Fd.open(target, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
      e = assertThrows(IOException.class, () -> RawImport.builder().build().importFile(input, file));
    }
    assertTrue(e.getMessage().contains(RESERVE), e.getMessage());
    assertReserveKept();
  }

  @Test
  void aRawStreamOfZerosTakesNoRoomButIsHeldToSizeMax() throws IOException {
    Path input = zstd("zeros.raw.zst", new byte[0], 64 * MIB, (byte) 0, new byte[0]);
    IOException e = assertThrows(IOException.class, () -> {
      try (InputStream in = Files.newInputStream(input)) {
        Importer.builder(store).sizeMax(10 * MIB).build().importRaw(in, "zeros");
      }
    });
    assertStopped(e, "import of 'zeros' stopped: its image is larger than --size-max (" + 10 * MIB + " bytes)",
        "zeros");
    Importer.builder(store).build().importRaw(input, "zeros");
    assertEquals(64 * MIB, Files.size(pool.resolve("zeros.raw")));
    assertEquals(0, TestTrees.diskUsage(pool.resolve("zeros.raw")), "holes only");
  }

  @Test
  void aQcow2WhoseL2EntriesAllPointAtOneClusterIsRefusedBySizeMaxBeforeConversion() throws IOException {
    Path input = work.resolve("shared.qcow2");
    Files.write(input, HostileQcow2.everyClusterShared(GIB));
    assertEquals(320 * 1024, Files.size(input));
    IOException e = assertThrows(IOException.class,
        () -> Importer.builder(store).sizeMax(100 * MIB).build().importRaw(input, "shared"));
    assertStopped(e, "import of " + input + " stopped: its image is larger than --size-max (" + 100 * MIB
        + " bytes)", "shared");

    Path target = work.resolve("shared.raw");
    try (Fd file = Fd.open(target, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
      assertThrows(IOException.class, () -> RawImport.builder().sizeMax(100 * MIB).build().importFile(input, file));
      assertEquals(0, file.stat().blocks(), "nothing was converted before the refusal");
    }
  }

  @Test
  void aQcow2WhoseL2EntriesAllPointAtOneClusterStopsAtTheReserveWhileConverted() throws IOException {
    Path input = work.resolve("shared.qcow2");
    Files.write(input, HostileQcow2.everyClusterShared(GIB));
    IOException e = assertThrows(IOException.class,
        () -> Importer.builder(store).build().importRaw(input, "shared"));
    assertStopped(e, "import of " + input + " stopped: the filesystem of " + pool + " " + RESERVE, "shared");
  }

  @Test
  void aQcow2OnStandardInputIsSpooledInThePoolWithinSizeMax() throws IOException {
    Path input = zstd("junk.qcow2.zst", HostileQcow2.headerOnly(MIB), GIB, new byte[0]);
    IOException e = assertThrows(IOException.class, () -> {
      try (InputStream in = Files.newInputStream(input)) {
        Importer.builder(store).sizeMax(MIB).build().importRaw(in, "piped");
      }
    });
    assertStopped(e, "import of 'piped' stopped: it unpacks to more than --size-max (" + MIB + " bytes)", "piped");
  }

  @Test
  void aQcow2OnStandardInputIsSpooledInThePoolWithinTheReserve() throws IOException {
    Path input = zstd("junk.qcow2.zst", HostileQcow2.headerOnly(MIB), GIB, new byte[0]);
    IOException e = assertThrows(IOException.class, () -> {
      try (InputStream in = Files.newInputStream(input)) {
        Importer.builder(store).build().importRaw(in, "piped");
      }
    });
    assertStopped(e, "import of 'piped' stopped: the filesystem of " + pool + " " + RESERVE, "piped");
  }

  @Test
  void aTarZstWithOneGibEntryStopsAtTheReserveWithinTheEntry() throws IOException {
    Path input = tarZstOfOneEntry("big.tar.zst", GIB);
    IOException e = assertThrows(IOException.class, () -> Importer.builder(store).build().importTar(input, "big"));
    assertStopped(e, "import of " + input + " stopped: the filesystem of " + pool + " " + RESERVE, "big");

    Path root = Files.createDirectory(work.resolve("root"));
    try (Fd fd = Fd.openDirectory(root)) {
      e = assertThrows(IOException.class, () -> TarImport.builder().build().extract(input, fd));
    }
    assertTrue(e.getMessage().contains(RESERVE), e.getMessage());
    assertReserveKept();
  }

  @Test
  void sizeMaxIsEnforcedWithinASingleEntry() throws IOException {
    Path input = tarZstOfOneEntry("big.tar.zst", 64 * MIB);
    IOException e = assertThrows(IOException.class,
        () -> Importer.builder(store).sizeMax(10 * MIB).build().importTar(input, "big"));
    assertStopped(e, "import of " + input + " stopped: it unpacks to more than --size-max (" + 10 * MIB
        + " bytes)", "big");

    Path root = Files.createDirectory(work.resolve("root"));
    try (Fd fd = Fd.openDirectory(root)) {
      assertThrows(IOException.class, () -> TarImport.builder().sizeMax(10 * MIB).build().extract(input, fd));
    }
    long written = Files.size(root.resolve("big"));
    assertTrue(written > 0 && written <= 10 * MIB, "stopped within the entry after " + written + " bytes");
  }

  @Test
  void anArchiveOfManyEmptyFilesStopsBeforeTheInodesRunOut() throws IOException {
    long inodes;
    try (Fd root = Fd.openDirectory(POOL_FS.root())) {
      inodes = FilesystemSpace.of(root).totalInodes();
    }
    TarBuilder tar = new TarBuilder();
    for (long i = 0; i < inodes + 1000; i++) {
      tar.file("f" + i, "");
    }
    byte[] plain = tar.end().bytes();
    Path input = zstd("empty-files.tar.zst", plain, 0, new byte[0]);
    IOException e = assertThrows(IOException.class,
        () -> Importer.builder(store).build().importTar(input, "empty"));
    assertStopped(e, "import of " + input + " stopped: the filesystem of " + pool
        + " would fall below 5% free inodes (", "empty");
  }

  @Test
  void importFsHoldsToSizeMax() throws IOException {
    Path source = sourceTree(8);
    IOException e = assertThrows(IOException.class,
        () -> Importer.builder(store).sizeMax(10 * MIB).build().importFs(source, "copied"));
    assertStopped(e, "import of " + source + " stopped: it unpacks to more than --size-max (" + 10 * MIB
        + " bytes)", "copied");
  }

  @Test
  void importFsStopsAtTheReserve() throws IOException {
    Path source = sourceTree(60);
    IOException e = assertThrows(IOException.class, () -> Importer.builder(store).build().importFs(source, "copied"));
    assertStopped(e, "import of " + source + " stopped: the filesystem of " + pool + " " + RESERVE, "copied");
  }

  /** A directory of {@code files} files of 4 MiB of 'A' on the source filesystem. */
  private static Path sourceTree(int files) throws IOException {
    Path tree = Files.createDirectory(SOURCE_FS.root().resolve("tree-" + COUNTER.incrementAndGet()));
    byte[] content = new byte[4 << 20];
    Arrays.fill(content, (byte) 'A');
    for (int i = 0; i < files; i++) {
      Files.write(tree.resolve("f" + i), content);
    }
    return tree;
  }

  /** The error names the import and the limit; the pool holds no image and no temporary; nothing is in tmp. */
  private void assertStopped(IOException e, String expected, String name) throws IOException {
    assertTrue(e.getMessage().startsWith(expected), "'" + e.getMessage() + "' should start with '" + expected + "'");
    store.list(true);
    List<String> left = names(pool).stream().filter(n -> n.startsWith(name) || n.startsWith(".#jimg"))
        .collect(Collectors.toList());
    assertEquals(List.of(), left, "nothing is left in the pool");
    assertEquals(List.of(), names(tmpdir), "nothing was written to java.io.tmpdir");
    assertEquals(List.of(), names(Path.of(savedTmpdir)).stream().filter(n -> n.startsWith(".#jimg"))
        .collect(Collectors.toList()), "nothing was written to the JVM's tmp");
    assertReserveKept();
  }

  private static void assertReserveKept() throws IOException {
    try (Fd root = Fd.openDirectory(POOL_FS.root())) {
      FilesystemSpace space = FilesystemSpace.of(root);
      assertTrue(space.availableBytes() >= space.totalBytes() / 20,
          space.availableBytes() + " bytes available of " + space.totalBytes());
    }
  }

  /** {@code head}, {@code count} bytes of 'A', {@code tail}, zstd-compressed into a file of the work directory. */
  private Path zstd(String name, byte[] head, long count, byte[] tail) throws IOException {
    return zstd(name, head, count, (byte) 'A', tail);
  }

  private Path zstd(String name, byte[] head, long count, byte fill, byte[] tail) throws IOException {
    Path file = work.resolve(name);
    try (OutputStream out = Compression.ZSTD.encoder(Files.newOutputStream(file), 1)) {
      out.write(head);
      byte[] chunk = new byte[(int) MIB];
      Arrays.fill(chunk, fill);
      for (long done = 0; done < count; done += chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, count - done));
      }
      out.write(tail);
    }
    return file;
  }

  /** A tar.zst of one file of {@code size} bytes of 'A' (a multiple of 512). */
  private Path tarZstOfOneEntry(String name, long size) throws IOException {
    TarBuilder header = new TarBuilder();
    TarBuilder.Header h = header.header("big");
    h.size = size;
    h.add();
    return zstd(name, header.bytes(), size, new TarBuilder().end().bytes());
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
