package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.compress.DecoderLimits;
import io.jimg.transfer.compress.ParallelXzInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GNU tar archives a tree with every entry kind; jimg must unpack exactly that tree, as stat and getfattr see it. */
class TarImportFidelityTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private static final String GNU_TAR = "tar --numeric-owner --xattrs --xattrs-include='*' --acls --sparse";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path source;
  private static String expected;

  @BeforeAll
  static void makeTree() {
    source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    expected = TestTrees.describe(source);
  }

  static Path importArchive(Path archive) throws IOException {
    Path target = Files.createDirectory(BTRFS.root().resolve("target-" + COUNTER.incrementAndGet()));
    try (Fd root = Fd.openDirectory(target)) {
      TarImport.builder().build().extract(archive, root);
    }
    return target;
  }

  private static Path archive(String name, String tarOptions, String compressCommand) {
    Path archive = BTRFS.root().resolve(name);
    TestTrees.bash(GNU_TAR + " " + tarOptions + " -C " + source + " -cf - . " + compressCommand + " > " + archive);
    return archive;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "--sparse-version=0.0", "--sparse-version=0.1", "--sparse-version=1.0"})
  void posixArchiveUnpacksToTheSameTree(String options) throws IOException {
    Path target = importArchive(archive("posix" + COUNTER.incrementAndGet() + ".tar", options, ""));
    TestTrees.assertSameTree(expected, TestTrees.describe(target));
    Path sparse = target.resolve("sparse");
    assertTrue(TestTrees.diskUsage(sparse) <= 64 * 1024, "holes kept: " + TestTrees.diskUsage(sparse));
    assertTrue(TestTrees.diskUsage(target.resolve("zeros")) <= 4096, "zero runs are holes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"| gzip -6", "| xz -T2 -6", "| bzip2", "| zstd -q -19", "| xz -6",
      "| xz -T2 --block-size=65536", "| cat - /dev/null"})
  void eachCompressionUnpacksToTheSameTree(String compress) throws IOException {
    Path target = importArchive(archive("compressed" + COUNTER.incrementAndGet(), "", compress));
    TestTrees.assertSameTree(expected, TestTrees.describe(target));
  }

  @Test
  void multiMemberGzipIsReadToTheEnd() throws IOException {
    Path first = BTRFS.root().resolve("first.tar.gz");
    Path second = BTRFS.root().resolve("second.tar.gz");
    TestTrees.bash("tar -C " + source + " -cf - ./etc | head -c 10240 | gzip > " + first);
    TestTrees.bash("tar -C " + source + " -cf - ./etc | tail -c +10241 | gzip > " + second);
    Path both = BTRFS.root().resolve("both.tar.gz");
    TestTrees.bash("cat " + first + " " + second + " > " + both);
    Path target = importArchive(both);
    assertEquals(TestTrees.bash("cd " + source + " && md5sum etc/passwd etc/hl1"),
        TestTrees.bash("cd " + target + " && md5sum etc/passwd etc/hl1"));
  }

  @Test
  void oldGnuSparseUnpacksWithHoles() throws IOException {
    Path archive = BTRFS.root().resolve("gnu.tar");
    TestTrees.bash("tar --numeric-owner --format=gnu --sparse -C " + source + " -cf " + archive + " ./sparse ./usr");
    assertTrue(TestTrees.bash("tar -tvvf " + archive).contains("sparse"));
    Path target = importArchive(archive);
    assertEquals(TestTrees.bash("md5sum < " + source.resolve("sparse")),
        TestTrees.bash("md5sum < " + target.resolve("sparse")));
    assertTrue(TestTrees.diskUsage(target.resolve("sparse")) <= 64 * 1024);
    assertEquals(TestTrees.bash("stat -c '%s %Y %a' " + source.resolve("usr/bin/suid")),
        TestTrees.bash("stat -c '%s %Y %a' " + target.resolve("usr/bin/suid")));
  }

  @Test
  void multiBlockXzIsDecodedInParallelToTheSameTree() throws IOException {
    Path archive = archive("blocks" + COUNTER.incrementAndGet() + ".tar.xz", "", "| xz -T2 --block-size=65536");
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ);
        InputStream parallel = ParallelXzInputStream.openIfParallel(channel, archive.toString(), 2,
            DecoderLimits.DEFAULT)) {
      assertTrue(parallel != null, "a multi-block file takes the parallel decoder");
    }
    TestTrees.assertSameTree(expected, TestTrees.describe(importArchive(archive)));
  }

  @Test
  void streamInputIsReadLikeAFile() throws IOException {
    Path archive = archive("stream" + COUNTER.incrementAndGet() + ".tar.gz", "", "| gzip");
    Path target = Files.createDirectory(BTRFS.root().resolve("target-" + COUNTER.incrementAndGet()));
    try (Fd root = Fd.openDirectory(target); InputStream in = Files.newInputStream(archive)) {
      TarImport.builder().build().extract(in, root);
    }
    TestTrees.assertSameTree(expected, TestTrees.describe(target));
  }

  @Test
  void compressionIsDetectedByMagicBytes() {
    Requirements.requireTool("xz");
    assertEquals(Compression.XZ, Compression.detect(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, 6));
    assertEquals(Compression.NONE, Compression.detect(new byte[] {'.', '/', 0, 0, 0, 0}, 6));
  }
}
