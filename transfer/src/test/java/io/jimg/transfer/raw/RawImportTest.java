package io.jimg.transfer.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.ExportOptions;
import io.jimg.transfer.TestStores;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.compress.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Raw images byte for byte with their holes, qcow2 converted, checked with cmp, du and lsattr. */
class RawImportTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs().size(4L << 30);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path disk;

  /** 256 MiB with 6 MiB of data in three places, the rest holes. */
  @BeforeAll
  static void makeDisk() {
    disk = BTRFS.root().resolve("disk.raw");
    TestTrees.bash("truncate -s 256M " + disk
        + " && dd if=/dev/urandom of=" + disk + " bs=1M count=4 conv=notrunc status=none"
        + " && dd if=/dev/urandom of=" + disk + " bs=1M count=2 seek=100 conv=notrunc status=none"
        + " && dd if=/dev/urandom of=" + disk + " bs=1M count=1 seek=255 conv=notrunc status=none");
  }

  private static Path target() {
    return BTRFS.root().resolve("image-" + COUNTER.incrementAndGet() + ".raw");
  }

  private static Fd create(Path path) throws IOException {
    return Fd.open(path, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL);
  }

  private static void assertSameWithHoles(Path imported) {
    TestTrees.bash("cmp " + disk + " " + imported);
    long used = TestTrees.diskUsage(imported);
    assertTrue(used <= 8L << 20, "holes kept: " + used + " bytes used");
    assertTrue(TestTrees.bash("lsattr " + imported).substring(0, 22).contains("C"), "NOCOW on btrfs");
  }

  @Test
  void rawFileIsCopiedWithItsHoles() throws IOException {
    Path target = target();
    try (Fd fd = create(target)) {
      RawImport.Summary summary = RawImport.builder().build().importFile(disk, fd);
      assertEquals(256L << 20, summary.size());
      assertEquals(7L << 20, summary.dataBytes());
    }
    assertSameWithHoles(target);
  }

  @ParameterizedTest
  @ValueSource(strings = {"xz -T2 -1", "gzip -1", "zstd -q -1", "cat"})
  void streamsKeepRunsOfZerosAsHoles(String compress) throws IOException {
    Path target = target();
    Path packed = BTRFS.root().resolve("packed-" + COUNTER.incrementAndGet());
    TestTrees.bash(compress + " < " + disk + " > " + packed);
    try (Fd fd = create(target)) {
      RawImport.builder().build().importStream(Files.newInputStream(packed), fd, "-");
    }
    assertSameWithHoles(target);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-c"})
  void qcow2IsConvertedToRaw(String compressed) throws IOException {
    Requirements.requireTool("qemu-img");
    Path qcow2 = BTRFS.root().resolve("disk-" + COUNTER.incrementAndGet() + ".qcow2");
    TestTrees.bash("qemu-img convert " + compressed + " -f raw -O qcow2 " + disk + " " + qcow2);
    Path fromFile = target();
    try (Fd fd = create(fromFile)) {
      assertTrue(RawImport.builder().build().importFile(qcow2, fd).qcow2());
    }
    assertSameWithHoles(fromFile);
    Path fromStream = target();
    try (Fd fd = create(fromStream)) {
      Path pool = Files.createDirectory(BTRFS.root().resolve("pool-" + COUNTER.incrementAndGet()));
      RawImport.builder().spoolIn(TestStores.on(pool).build()).build()
          .importStream(Files.newInputStream(qcow2), fd, "-");
      assertEquals(List.of(), TestTrees.bash("ls -A " + pool).lines().collect(Collectors.toList()),
          "the spool is gone with its descriptor");
    }
    assertSameWithHoles(fromStream);
  }

  @Test
  void qcow2WithABackingFileIsRefused() throws IOException {
    Requirements.requireTool("qemu-img");
    Path qcow2 = BTRFS.root().resolve("backed.qcow2");
    TestTrees.bash("qemu-img create -q -f qcow2 -b " + disk + " -F raw " + qcow2);
    try (Fd fd = create(target())) {
      JimgException e = assertThrows(JimgException.class, () -> RawImport.builder().build().importFile(qcow2, fd));
      assertTrue(e.getMessage().contains("backing file"), e.getMessage());
    }
  }

  @Test
  void qcow2WithAnExternalDataFileIsRefused() throws IOException {
    Requirements.requireTool("qemu-img");
    Path qcow2 = BTRFS.root().resolve("external.qcow2");
    Path data = BTRFS.root().resolve("external.data");
    TestTrees.bash("qemu-img create -q -f qcow2 -o data_file=" + data + " " + qcow2 + " 64M");
    try (Fd fd = create(target())) {
      JimgException e = assertThrows(JimgException.class, () -> RawImport.builder().build().importFile(qcow2, fd));
      assertTrue(e.getMessage().contains("external data file"), e.getMessage());
    }
  }

  @Test
  void exportWritesTheSameBytes() throws IOException {
    Path out = BTRFS.root().resolve("exported-" + COUNTER.incrementAndGet() + ".raw.zst");
    try (Fd image = Fd.open(disk, Linux.O_RDONLY); OutputStream stream = Files.newOutputStream(out)) {
      RawExport.of(Compression.ZSTD, new ExportOptions(2, StoreListener.NONE, Cancellation.NEVER)).write(image, stream);
    }
    TestTrees.bash("zstd -q -dc " + out + " | cmp - " + disk);
  }
}
