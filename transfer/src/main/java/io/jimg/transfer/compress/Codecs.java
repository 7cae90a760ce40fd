package io.jimg.transfer.compress;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.jimg.images.Cancellation;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The codec constructors. Only this class names the codec libraries, and the JVM resolves those names when a
 * method here first runs, so a missing library surfaces as a LinkageError at the format that needs it.
 */
final class Codecs {
  private Codecs() {}

  static final int XZ_PRESET = 6;
  static final int GZIP_LEVEL = 6;
  static final int ZSTD_LEVEL = 3;
  static final int BUFFER = 64 * 1024;

  /** ISA-L's inflate, where it loads; else zlib's. */
  static InputStream gzipDecoder(InputStream in) throws IOException {
    return Libisal.loaded() ? IgzipInputStream.decode(in) : zlibGzipDecoder(in);
  }

  static InputStream zlibGzipDecoder(InputStream in) throws IOException {
    // JDK's GZIPInputStream stops early on some concatenations; commons-compress reads every member and
    // rejects bytes after the last one that are no gzip member.
    return new GzipCompressorInputStream(in, true);
  }

  /** liblzma's decoder on as many threads as there are processors, where it loads; else org.tukaani:xz's. */
  static InputStream xzDecoder(InputStream in, DecoderLimits limits) throws IOException {
    return Liblzma.loaded()
        ? LzmaInputStream.decode(in, Runtime.getRuntime().availableProcessors(), limits)
        : javaXzDecoder(in, limits);
  }

  static InputStream javaXzDecoder(InputStream in, DecoderLimits limits) throws IOException {
    // The cache lets each stream of a multi-stream file reuse the dictionary of the one before.
    return new XZInputStream(in, limits.xzMemoryKiB(), true, new BasicArrayCache());
  }

  static InputStream bzip2Decoder(InputStream in) throws IOException {
    return new BZip2CompressorInputStream(in, true);
  }

  static InputStream zstdDecoder(InputStream in, DecoderLimits limits) throws IOException {
    // Reads frame after frame until the input ends; a truncated frame is an error, not an early end.
    return new ZstdInputStreamNoFinalizer(in).setLongMax(limits.zstdWindowLog());
  }

  static OutputStream gzipEncoder(OutputStream out) throws IOException {
    GzipParameters parameters = new GzipParameters();
    parameters.setCompressionLevel(GZIP_LEVEL);
    return new GzipCompressorOutputStream(new BufferedOutputStream(out, BUFFER), parameters);
  }

  static OutputStream xzEncoder(OutputStream out) throws IOException {
    return new XZOutputStream(new BufferedOutputStream(out, BUFFER), new LZMA2Options(XZ_PRESET), XZ.CHECK_CRC64);
  }

  /**
   * The parallel encoder's settings: preset 6 with a 2 MiB dictionary, which needs a quarter of the memory of
   * preset 6's 8 MiB (23 MiB an encoder instead of 92), so that two encoders with their chunks fit in the old
   * generation of a 256 MiB heap, at the cost of a few percent of compression.
   */
  static LZMA2Options parallelXzOptions() throws IOException {
    LZMA2Options options = new LZMA2Options(XZ_PRESET);
    options.setDictSize(2 << 20);
    return options;
  }

  /** One whole xz stream of {@code data}, for the parallel encoder; {@code cache} lends the encoder its arrays. */
  /**
   * Compresses a chunk as one whole xz stream; fed a slice of {@link #BUFFER} at a time, and asks
   * {@code cancellation} before each, so that a cancelled export's worker ends within one slice, not one chunk.
   */
  static void xzStream(byte[] data, int length, OutputStream out, ArrayCache cache, Cancellation cancellation)
      throws IOException {
    try (XZOutputStream xz = new XZOutputStream(out, parallelXzOptions(), XZ.CHECK_CRC64, cache)) {
      for (int done = 0; done < length; done += BUFFER) {
        cancellation.check();
        xz.write(data, done, Math.min(BUFFER, length - done));
      }
    }
  }

  static OutputStream bzip2Encoder(OutputStream out) throws IOException {
    return new BZip2CompressorOutputStream(new BufferedOutputStream(out, BUFFER));
  }

  static OutputStream zstdEncoder(OutputStream out, int threads) throws IOException {
    ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(new BufferedOutputStream(out, BUFFER));
    zstd.setLevel(ZSTD_LEVEL).setChecksum(true);
    if (threads > 1) {
      zstd.setWorkers(threads);
    }
    return zstd;
  }
}
