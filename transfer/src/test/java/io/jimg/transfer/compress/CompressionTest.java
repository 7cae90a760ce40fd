package io.jimg.transfer.compress;

import static io.jimg.transfer.compress.Samples.concat;
import static io.jimg.transfer.compress.Samples.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Codecs against the real command-line tools: concatenations read whole, garbage and overreach refused. A decoder
 * that spins on bad input fails its test instead of holding up the build: the bound is a hang guard, not a timing.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompressionTest {
  @TempDir Path temp;

  private byte[] tool(String command, byte[] input) throws IOException {
    return Samples.tool(temp, command, input);
  }

  private static byte[] decode(byte[] encoded, DecoderLimits limits) throws IOException {
    BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(encoded));
    Compression compression = Compression.detect(in);
    try (InputStream decoded = compression.decoder(in, limits)) {
      return decoded.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip -c", "xz -c", "xz -T2 --block-size=65536 -c", "zstd -q -c", "bzip2 -c"})
  void concatenatedMembersAreReadToTheEnd(String command) throws IOException {
    byte[] a = sample(300_000, 1);
    byte[] b = sample(200_000, 2);
    byte[] whole = concat(tool(command, a), tool(command, b));
    assertArrayEquals(concat(a, b), decode(whole, DecoderLimits.DEFAULT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip -c", "xz -c", "zstd -q -c", "bzip2 -c"})
  void garbageAfterTheLastMemberIsAnError(String command) throws IOException {
    byte[] encoded = concat(tool(command, sample(10_000, 3)), "trailing garbage".getBytes(StandardCharsets.US_ASCII));
    IOException e = assertThrows(IOException.class, () -> decode(encoded, DecoderLimits.DEFAULT));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip -c", "xz -c", "zstd -q -c", "bzip2 -c"})
  void truncationIsAnError(String command) throws IOException {
    byte[] encoded = tool(command, sample(100_000, 4));
    byte[] truncated = Arrays.copyOf(encoded, encoded.length - 10);
    assertThrows(IOException.class, () -> decode(truncated, DecoderLimits.DEFAULT));
  }

  @Test
  void pigzLikeManyMemberGzipIsReadWhole() throws IOException {
    ByteArrayOutputStream members = new ByteArrayOutputStream();
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      byte[] part = sample(10_000 + i, 10 + i);
      plain.writeBytes(part);
      members.writeBytes(tool("gzip -1 -c", part));
    }
    assertArrayEquals(plain.toByteArray(), decode(members.toByteArray(), DecoderLimits.DEFAULT));
  }

  @Test
  void zstdWindowOverTheLimitIsRefused() throws IOException {
    byte[] encoded = tool("zstd -q --long=30 -c", sample(1 << 20, 5));
    IOException e = assertThrows(IOException.class, () -> decode(encoded, new DecoderLimits(256L << 20, 20)));
    assertTrue(e.getMessage().toLowerCase().contains("memory") || e.getMessage().toLowerCase().contains("window"),
        e.getMessage());
  }

  @Test
  void xzOverTheMemoryLimitIsRefused() throws IOException {
    byte[] encoded = tool("xz -9 -c", sample(100_000, 6));
    IOException e = assertThrows(IOException.class, () -> decode(encoded, new DecoderLimits(1L << 20, 27)));
    assertTrue(e.getMessage().contains("memory") || e.getMessage().contains("Memory"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void encodersWriteWhatTheToolsRead(Compression compression) throws IOException {
    byte[] data = sample(300_000, 7);
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    try (OutputStream out = compression.encoder(encoded, 2)) {
      out.write(data);
    }
    assertEquals(compression, Compression.detect(encoded.toByteArray(), Compression.MAGIC_LENGTH));
    if (compression != Compression.NONE) {
      String tool = List.of("cat", "gzip -dc", "xz -dc", "bzip2 -dc", "zstd -q -dc").get(compression.ordinal());
      assertArrayEquals(data, tool(tool, encoded.toByteArray()));
    }
    assertArrayEquals(data, decode(encoded.toByteArray(), DecoderLimits.DEFAULT));
  }

  @Test
  void parallelXzWritesSeveralStreams() throws IOException {
    byte[] data = sample(2 * 65536 + 1000, 8);
    Path file = parallelXz(data, "parallel.xz");
    String totals = io.jimg.btrfs.testing.Commands.run("xz", "--robot", "--list", file.toString()).lines()
        .filter(l -> l.startsWith("totals")).findFirst().orElseThrow();
    assertEquals("3", totals.split("\t")[1], "one xz stream per chunk: " + totals);
    assertArrayEquals(data, tool("xz -dc", Files.readAllBytes(file)));
  }

  /** {@code data} written by two parallel xz writers in chunks of 64 KiB, into a file of {@code name}. */
  private Path parallelXz(byte[] data, String name) throws IOException {
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    try (OutputStream out = new ParallelXzOutputStream(encoded, 2, 65536)) {
      out.write(data);
    }
    return Files.write(temp.resolve(name), encoded.toByteArray());
  }

  /** A verified download is unpacked from the channel that was hashed: it must decode in parallel there too. */
  @Test
  void parallelXzDecodesFromAnOpenChannelAndLeavesItOpen() throws IOException {
    byte[] data = sample(3 * 65536 + 77, 10);
    Path file = parallelXz(data, "download.xz");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(channel.size()); // where a download leaves it: decoding must not depend on it
      InputStream parallel = ParallelXzInputStream.openIfParallel(channel, "download.xz", 2, DecoderLimits.DEFAULT);
      assertNotNull(parallel, "a multi-block file held open decodes in parallel");
      try (parallel) {
        assertArrayEquals(data, parallel.readAllBytes());
      }
      assertTrue(channel.isOpen(), "the caller's channel stays open");
    }
  }

  @Test
  void parallelGzipWritesOneMember() throws IOException {
    byte[] data = sample(3 * ParallelGzipOutputStream.CHUNK + 12345, 9);
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    try (OutputStream out = new ParallelGzipOutputStream(encoded, 2)) {
      out.write(data, 0, 1000);
      out.write(data, 1000, data.length - 1000);
    }
    assertArrayEquals(data, tool("gzip -dc", encoded.toByteArray()));
    // A reader that stops after the first member (as systemd-import 252 does) still gets everything.
    try (InputStream first = new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(
        new ByteArrayInputStream(encoded.toByteArray()), false)) {
      assertArrayEquals(data, first.readAllBytes());
    }
  }

  @Test
  void parallelGzipOfNothingIsAnEmptyGzip() throws IOException {
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    new ParallelGzipOutputStream(encoded, 2).close();
    assertArrayEquals(new byte[0], tool("gzip -dc", encoded.toByteArray()));
  }

  @Test
  void formatsAreChosenByNameAndSuffix() throws IOException {
    assertEquals(Compression.ZSTD, Compression.fromFileName("debian.tar.zst"));
    assertEquals(Compression.XZ, Compression.fromFileName("x.txz"));
    assertEquals(null, Compression.fromFileName("x.tar"));
    assertEquals(Compression.NONE, Compression.fromFormatName("uncompressed"));
    assertThrows(io.jimg.images.JimgException.class, () -> Compression.fromFormatName("lz4"));
  }

  @Test
  void aMissingCodecIsNamed() {
    String message = Compression.XZ.missing(new NoClassDefFoundError("org/tukaani/xz/XZInputStream")).getMessage();
    assertTrue(message.contains("org.tukaani:xz"), message);
  }
}
