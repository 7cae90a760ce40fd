package io.jimg.transfer.compress;

import static io.jimg.transfer.compress.Samples.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.Cancellation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** gzip through ISA-L's deflate, as a push compresses its layer: one member that gzip, zlib and ISA-L read whole. */
class IsalDeflateTest {
  private static final int CHUNK = ParallelGzipOutputStream.CHUNK;

  @TempDir Path temp;

  private static byte[] fastGzip(byte[] data, int threads) throws IOException {
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    try (OutputStream out = Compression.GZIP.fastEncoder(encoded, threads, Cancellation.NEVER)) {
      // In uneven pieces, so that chunks are filled across writes.
      for (int offset = 0; offset < data.length; ) {
        int length = Math.min(data.length - offset, 70_001);
        out.write(data, offset, length);
        offset += length;
      }
    }
    return encoded.toByteArray();
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  /** Debian ships libisal2 (bin/test installs it): where its deflate is not used, push compresses 15 times slower. */
  @Test
  void isaLsDeflateIsUsed() {
    assertTrue(Libisal.deflates(), "ISA-L's deflate did not load or failed its check: zlib compresses instead");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 12_345})
  void everySizeDecodesWholeWithGzipAndAsOneMember(int size) throws IOException {
    for (byte[] data : new byte[][] {sample(size, size), random(size)}) {
      for (int threads : new int[] {1, 2}) {
        byte[] encoded = fastGzip(data, threads);
        assertArrayEquals(data, Samples.tool(temp, "gzip -dc", encoded), size + " bytes on " + threads);
        // A reader that stops after the first member (as systemd-import 252 does) still gets everything.
        try (InputStream first = new GzipCompressorInputStream(new ByteArrayInputStream(encoded), false)) {
          assertArrayEquals(data, first.readAllBytes());
        }
        try (InputStream isal = Codecs.gzipDecoder(new ByteArrayInputStream(encoded))) {
          assertArrayEquals(data, isal.readAllBytes());
        }
      }
    }
  }

  /** A push of an unchanged tree makes the same blob, whatever the number of cores. */
  @Test
  void theBytesAreTheSameOnOneThreadOrFour() throws IOException {
    byte[] data = sample(5 * CHUNK + 999, 3);
    assertArrayEquals(fastGzip(data, 1), fastGzip(data, 4));
  }

  @Test
  void itCompressesAboutAsWellAsZlib() throws IOException {
    byte[] data = sample(4 * CHUNK, 11);
    ByteArrayOutputStream zlib = new ByteArrayOutputStream();
    try (OutputStream out = Compression.GZIP.encoder(zlib, 2)) {
      out.write(data);
    }
    int fast = fastGzip(data, 2).length;
    assertTrue(fast < data.length / 2, fast + " bytes of " + data.length);
    assertTrue(fast < zlib.size() * 1.25, fast + " bytes, zlib's " + zlib.size());
  }
}
