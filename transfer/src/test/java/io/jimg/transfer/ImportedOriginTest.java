package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Image;
import io.jimg.images.ImageStore;
import io.jimg.images.Origin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each import records as its image's origin: the kind, the file read (or "-" for a stream), a file's size and
 * modification time, a stream's SHA-256.
 */
class ImportedOriginTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(256L << 20);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private static Path work(String filesystem) throws IOException {
    Path root = filesystem.equals("btrfs") ? BTRFS.root() : EXT4.root();
    return Files.createDirectory(root.resolve("origin-" + COUNTER.incrementAndGet()));
  }

  private static ImageStore store(Path work) {
    return TestStores.on(work.resolve("pool")).build();
  }

  private static Path tree(Path work) throws IOException {
    Path source = work.resolve("source");
    Files.createDirectories(source.resolve("etc"));
    Files.writeString(source.resolve("etc/os-release"), "ID=origin\n");
    Files.write(source.resolve("etc/data"), new byte[300_000]);
    return source;
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @ParameterizedTest
  @ValueSource(strings = {"btrfs", "ext4"})
  void aTarFileRecordsItsAbsolutePathSizeAndModificationTime(String filesystem) throws Exception {
    Path work = work(filesystem);
    Path source = tree(work);
    Path tar = work.resolve("root.tar.xz");
    TestTrees.bash("tar -C " + source + " -cf - . | xz -T2 --block-size=65536 > " + tar);
    Image image = Importer.builder(store(work)).build().importTar(tar, null);
    Origin origin = image.origin();
    assertEquals("import-tar", origin.kind());
    assertEquals(tar.toAbsolutePath().toString(), origin.source());
    assertNull(origin.sha256(), "hashing a file would cost the import a pass of its own");
    assertEquals(Files.size(tar), origin.sourceSize());
    assertEquals(Files.getLastModifiedTime(tar).toInstant(), origin.sourceModified());
    assertNull(origin.verified());
    assertEquals(image.origin(), store(work).show("root").origin());
  }

  @ParameterizedTest
  @ValueSource(strings = {"btrfs", "ext4"})
  void standardInputIsRecordedAsADashWithTheDigestOfEveryByteRead(String filesystem) throws Exception {
    Path work = work(filesystem);
    Path source = tree(work);
    Path file = work.resolve("root.tar.gz");
    TestTrees.bash("tar -C " + source + " -czf " + file + " .");
    byte[] archive = Files.readAllBytes(file);
    Origin origin = Importer.builder(store(work)).build().importTar(new ByteArrayInputStream(archive), "piped")
        .origin();
    assertEquals(Origin.of("import-tar", "-").withSha256(sha256(archive)).at(origin.time()), origin);
  }

  @Test
  void aNamedPipeIsHashedAsItIsRead() throws Exception {
    Path work = work("btrfs");
    Path archive = work.resolve("root.tar");
    TestTrees.bash("tar -C " + tree(work) + " -cf " + archive + " .");
    Path fifo = work.resolve("pipe.tar");
    TestTrees.bash("mkfifo " + fifo);
    Process writer = new ProcessBuilder("bash", "-c", "cat " + archive + " > " + fifo).start();
    Origin origin = Importer.builder(store(work)).build().importTar(fifo, "piped").origin();
    assertEquals(0, writer.waitFor());
    assertEquals(fifo.toString(), origin.source());
    assertEquals(sha256(Files.readAllBytes(archive)), origin.sha256());
  }

  @ParameterizedTest
  @ValueSource(strings = {"btrfs", "ext4"})
  void aRawFileRecordsItsSizeAndAStreamItsDigest(String filesystem) throws Exception {
    Path work = work(filesystem);
    byte[] disk = new byte[3 << 20];
    disk[1 << 20] = 7; // data between holes
    Path file = Files.write(work.resolve("disk.raw"), disk);
    Origin fromFile = Importer.builder(store(work)).build().importRaw(file, null).origin();
    assertEquals(Origin.of("import-raw", file.toString())
        .withFile(disk.length, Files.getLastModifiedTime(file).toInstant()).at(fromFile.time()), fromFile);
    Origin fromStream = Importer.builder(store(work)).build().importRaw(new ByteArrayInputStream(disk), "streamed")
        .origin();
    assertEquals(Origin.of("import-raw", "-").withSha256(sha256(disk)).at(fromStream.time()), fromStream);
  }

  @ParameterizedTest
  @ValueSource(strings = {"btrfs", "ext4"})
  void aDirectoryIsRecordedByItsAbsolutePathWithoutADigest(String filesystem) throws Exception {
    Path work = work(filesystem);
    Path source = tree(work);
    Origin origin = Importer.builder(store(work)).build().importFs(source, "copied").origin();
    assertEquals(Origin.of("import-fs", source.toString()).at(origin.time()), origin);
  }
}
