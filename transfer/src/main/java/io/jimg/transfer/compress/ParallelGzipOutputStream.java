package io.jimg.transfer.compress;

import io.jimg.images.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip on several threads, as pigz does it: the input is cut into chunks, each deflated on a worker with the
 * previous chunk's last 32 KiB as its dictionary and ended with a sync flush (the last one with the final
 * block), so that the pieces join into one deflate stream in a single gzip member, which every reader takes
 * (systemd 252 reads only the first member of a multi-member file).
 */
final class ParallelGzipOutputStream extends ParallelChunkOutputStream {
  static final int CHUNK = 1 << 20;
  private static final int WINDOW = 32 * 1024;
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Codecs.GZIP_LEVEL, true));

  /**
   * Deflates one chunk, on a worker: raw deflate that starts from {@code preset} (the previous chunk's last 32 KiB,
   * or null) and ends byte-aligned with a sync flush, or with the final block where {@code last}.
   */
  interface ChunkDeflater {
    void deflate(byte[] data, int length, byte[] preset, boolean last, ByteArrayOutputStream compressed)
        throws IOException;
  }

  /** zlib's deflate at {@link Codecs#GZIP_LEVEL}, as gzip and pigz compress by default. */
  static final ChunkDeflater ZLIB = ParallelGzipOutputStream::zlibDeflate;

  private final CRC32 crc = new CRC32();
  private final ChunkDeflater deflater;
  private long size;
  private byte[] dictionary;

  ParallelGzipOutputStream(OutputStream out, int threads) throws IOException {
    this(out, threads, Cancellation.NEVER, ZLIB);
  }

  ParallelGzipOutputStream(OutputStream out, int threads, Cancellation cancellation, ChunkDeflater deflater)
      throws IOException {
    super("gzip", out, threads, CHUNK, cancellation);
    this.deflater = deflater;
    // ID1 ID2, deflate, no flags, no mtime, no extra flags, OS Unix: what gzip -n writes.
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    size += len;
    super.write(b, off, len);
  }

  @Override
  ChunkCompressor compressor(byte[] data, int length, boolean last) {
    byte[] preset = dictionary;
    dictionary = length >= WINDOW ? Arrays.copyOfRange(data, length - WINDOW, length) : null;
    return output -> deflater.deflate(data, length, preset, last, output);
  }

  @Override
  int expectedOutput(int length) {
    return length / 2 + 64;
  }

  @Override
  boolean endsWithEmptyChunk() {
    return true;
  }

  private static void zlibDeflate(byte[] data, int length, byte[] preset, boolean last,
      ByteArrayOutputStream compressed) {
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    if (preset != null) {
      deflater.setDictionary(preset);
    }
    deflater.setInput(data, 0, length);
    if (last) {
      deflater.finish();
    }
    byte[] buffer = new byte[64 * 1024];
    while (true) {
      int n = last ? deflater.deflate(buffer) : deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
      compressed.write(buffer, 0, n);
      if (last ? deflater.finished() : n < buffer.length) {
        return;
      }
    }
  }

  @Override
  void writeTrailer(OutputStream target) throws IOException {
    long value = crc.getValue();
    target.write(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24),
        (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)});
  }
}
