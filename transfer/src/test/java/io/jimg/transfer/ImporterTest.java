package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Image;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.transfer.compress.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store glue: imports land under their name only when whole, failed and killed imports leave nothing, and
 * exports read back.
 */
class ImporterTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path source;
  private static Path archive;

  @BeforeAll
  static void makeArchive() {
    source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    archive = BTRFS.root().resolve("every-kind.tar.gz");
    TestTrees.bash("tar --numeric-owner --xattrs --xattrs-include='*' --acls --sparse -C " + source
        + " -czf " + archive + " .");
  }

  private static Path pool() throws IOException {
    return Files.createDirectory(BTRFS.root().resolve("pool-" + COUNTER.incrementAndGet()));
  }

  private static List<String> names(Path pool) throws IOException {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void tarImportIsNamedAfterTheFileAndHoldsTheTree() throws IOException {
    Path pool = pool();
    ImageStore store = TestStores.on(pool).build();
    Image image = Importer.builder(store).build().importTar(archive, null);
    assertEquals("every-kind", image.name());
    TestTrees.assertSameTree(TestTrees.describe(source), TestTrees.describe(pool.resolve("every-kind")));
    assertEquals(List.of("every-kind", "every-kind.origin"), names(pool).stream().filter(n -> !n.startsWith(".#") || n.endsWith(".lck"))
        .filter(n -> !n.endsWith(".lck")).collect(Collectors.toList()));
  }

  /** Regression: the head was sniffed through a second open, which eats a pipe's first bytes, and read with
   * FileChannel's available(), which seeks, and a pipe refuses that (ESPIPE, "Illegal seek"). */
  @Test
  void tarImportReadsANamedPipeWhole() throws Exception {
    Path pool = pool();
    Path fifo = BTRFS.root().resolve("pipe-" + COUNTER.incrementAndGet() + ".tar.gz");
    TestTrees.bash("mkfifo " + fifo);
    Process writer = new ProcessBuilder("bash", "-c", "cat " + archive + " > " + fifo).start();
    ImageStore store = TestStores.on(pool).build();
    Importer.builder(store).build().importTar(fifo, "piped");
    assertEquals(0, writer.waitFor());
    TestTrees.assertSameTree(TestTrees.describe(source), TestTrees.describe(pool.resolve("piped")));
  }

  @Test
  void fsImportCopiesTheTreeFaithfully() throws IOException {
    Path pool = pool();
    ImageStore store = TestStores.on(pool).build();
    String before = TestTrees.describe(source);
    Image image = Importer.builder(store).build().importFs(source, "copied");
    assertEquals("copied", image.name());
    TestTrees.assertSameTree(before, TestTrees.describe(source));
    TestTrees.assertSameTree(before, TestTrees.describe(pool.resolve("copied")));
  }

  @Test
  void failedImportLeavesNothing() throws IOException {
    Path pool = pool();
    Path hostile = BTRFS.root().resolve("hostile-" + COUNTER.incrementAndGet() + ".tar");
    TestTrees.bash("cd " + source + " && tar -cf " + hostile + " etc && truncate -s 1100 " + hostile);
    ImageStore store = TestStores.on(pool).build();
    assertThrows(IOException.class, () -> Importer.builder(store).build().importTar(hostile, "bad"));
    store.list(true);
    assertFalse(names(pool).stream().anyMatch(n -> n.equals("bad") || n.startsWith(".#jimg")), names(pool).toString());
  }

  /**
   * Regression: a truncated tar.gz failed as "internal error in import-tar: java.io.IOException", since zlib's
   * reader throws an EOFException without a message, and a truncated tar.zst said only "Truncated source".
   */
  @ParameterizedTest
  @ValueSource(strings = {"gzip", "xz", "zstd", "bzip2"})
  void aDecoderFailureNamesTheFormatAndTheArchive(String compressor) throws IOException {
    Path pool = pool();
    Path whole = BTRFS.root().resolve("whole-" + COUNTER.incrementAndGet());
    TestTrees.bash("tar -C " + source + " -cf - . | " + compressor + " -c > " + whole);
    Path truncated = BTRFS.root().resolve("truncated-" + COUNTER.incrementAndGet() + ".tar");
    TestTrees.bash("head -c $(($(stat -c %s " + whole + ") - 20)) " + whole + " > " + truncated);
    ImageStore store = TestStores.on(pool).build();
    IOException e = assertThrows(IOException.class, () -> Importer.builder(store).build().importTar(truncated, "cut"));
    String format = Compression.fromFormatName(compressor).formatName();
    assertTrue(e.getMessage().startsWith("cannot decode the " + format + " data of " + truncated + ": "),
        e.getMessage());
    assertFalse(e.getMessage().endsWith(": "), e.getMessage());
    store.list(true);
    assertFalse(names(pool).stream().anyMatch(n -> n.equals("cut") || n.startsWith(".#jimg")), names(pool).toString());
  }

  @Test
  void exportReadsBackWithGnuTar() throws IOException {
    Path pool = pool();
    ImageStore store = TestStores.on(pool).build();
    Importer.builder(store).build().importTar(archive, "img");
    Path out = BTRFS.root().resolve("exported-" + COUNTER.incrementAndGet() + ".tar.zst");
    Exporter.builder(store).build().exportTar("img", out);
    Path target = Files.createDirectory(BTRFS.root().resolve("untarred-" + COUNTER.incrementAndGet()));
    TestTrees.bash("tar --numeric-owner --xattrs --xattrs-include='*' --acls --zstd -xpf " + out + " -C " + target);
    TestTrees.assertSameTree(TestTrees.describe(source), TestTrees.describe(target));
  }

  @Test
  void rawImportAndExportKeepTheBytes() throws IOException {
    Path pool = pool();
    Path disk = BTRFS.root().resolve("disk-" + COUNTER.incrementAndGet() + ".raw.xz");
    TestTrees.bash("head -c 3000000 /dev/urandom > " + disk + ".plain && xz -k -c " + disk + ".plain > " + disk);
    ImageStore store = TestStores.on(pool).build();
    Image image = Importer.builder(store).build().importRaw(disk, null);
    assertEquals(ImageType.RAW, image.type());
    TestTrees.bash("cmp " + disk + ".plain " + pool.resolve(image.name() + ".raw"));
    Path out = BTRFS.root().resolve("out-" + COUNTER.incrementAndGet() + ".raw");
    try (OutputStream stream = Files.newOutputStream(out)) {
      Exporter.builder(store).format(Compression.NONE).build().exportRaw(image.name(), stream);
    }
    TestTrees.bash("cmp " + disk + ".plain " + out);
  }

  /** Kills imports at several moments after the temporary exists; the next command leaves no jimg temporary. */
  @Test
  void killedImportLeavesNoTemporaryAfterTheNextCommand() throws Exception {
    Path pool = pool();
    for (int moment = 0; moment < 3; moment++) {
      Path fifo = BTRFS.root().resolve("fifo-" + COUNTER.incrementAndGet());
      TestTrees.bash("mkfifo " + fifo);
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"),
          ImportChild.class.getName(), pool.toString(), fifo.toString(), "killed").inheritIO().start();
      try (OutputStream feed = Files.newOutputStream(fifo)) {
        feed.write(Files.readAllBytes(archive), 0, (int) Math.min(Files.size(archive), 4096L * (moment + 1)));
        feed.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (names(pool).stream().noneMatch(n -> n.startsWith(".#")) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(names(pool).stream().anyMatch(n -> n.startsWith(".#")), "the temporary exists");
        Thread.sleep(50L * moment);
        assertTrue(child.isAlive(), "the import still runs at moment " + moment);
        child.destroyForcibly(); // SIGKILL
        assertEquals(128 + 9, child.waitFor(), "the import died of the SIGKILL at moment " + moment);
      }
    }
    TestStores.on(pool).build().list(true);
    assertEquals(List.of(), names(pool).stream().filter(n -> n.equals("killed") || n.startsWith(".#jimg"))
        .collect(Collectors.toList()));
  }
}
