package io.jimg.transfer.compress;

import static io.jimg.transfer.compress.Libisal.COMP_OK;
import static io.jimg.transfer.compress.Libisal.DEFLATE_LEVEL;
import static io.jimg.transfer.compress.Libisal.DEFLATE_LEVEL_BUFFER;
import static io.jimg.transfer.compress.Libisal.IGZIP_DEFLATE;
import static io.jimg.transfer.compress.Libisal.NO_FLUSH;
import static io.jimg.transfer.compress.Libisal.STREAM_ALLOCATION;
import static io.jimg.transfer.compress.Libisal.STREAM_AVAIL_IN;
import static io.jimg.transfer.compress.Libisal.STREAM_AVAIL_OUT;
import static io.jimg.transfer.compress.Libisal.STREAM_END_OF_STREAM;
import static io.jimg.transfer.compress.Libisal.STREAM_FLUSH;
import static io.jimg.transfer.compress.Libisal.STREAM_GZIP_FLAG;
import static io.jimg.transfer.compress.Libisal.STREAM_LEVEL;
import static io.jimg.transfer.compress.Libisal.STREAM_LEVEL_BUF;
import static io.jimg.transfer.compress.Libisal.STREAM_LEVEL_BUF_SIZE;
import static io.jimg.transfer.compress.Libisal.STREAM_NEXT_IN;
import static io.jimg.transfer.compress.Libisal.STREAM_NEXT_OUT;
import static io.jimg.transfer.compress.Libisal.STREAM_STATE;
import static io.jimg.transfer.compress.Libisal.SYNC_FLUSH;
import static io.jimg.transfer.compress.Libisal.ZSTATE_END;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import jnr.ffi.Pointer;

/**
 * Deflates the chunks of a {@link ParallelGzipOutputStream} with ISA-L: each chunk a fresh stream with the
 * previous chunk's tail as its dictionary, ended with a sync flush (the last with the final block), as zlib's
 * chunks are. Each worker thread has its native stream, level buffer and staging buffers, kept for its next
 * chunks and freed with the encoder.
 */
final class IsalChunkDeflater implements ParallelGzipOutputStream.ChunkDeflater {
  /** Output space per call: a chunk of incompressible data grows by a few bytes per stored block of 64 KiB. */
  private static final int OUTPUT = ParallelGzipOutputStream.CHUNK + 64 * 1024;

  private final Libisal.Functions isal;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  IsalChunkDeflater(Libisal.Functions isal) {
    this.isal = isal;
  }

  /** One thread's native memory: ISA-L's stream and level buffer, the chunk, its output and a dictionary. */
  private static final class Buffers {
    final jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
    final ByteBuffer stream = NativeDecoderStream.direct(STREAM_ALLOCATION);
    final Pointer streamPointer = Pointer.wrap(runtime, stream);
    final ByteBuffer level = NativeDecoderStream.direct(DEFLATE_LEVEL_BUFFER);
    final ByteBuffer output = NativeDecoderStream.direct(OUTPUT);
    final byte[] staging = new byte[OUTPUT];
    ByteBuffer input = NativeDecoderStream.direct(ParallelGzipOutputStream.CHUNK);
    ByteBuffer dictionary = NativeDecoderStream.direct(32 * 1024);

    long address(ByteBuffer buffer) {
      return Pointer.wrap(runtime, buffer).address();
    }
  }

  @Override
  public void deflate(byte[] data, int length, byte[] preset, boolean last, ByteArrayOutputStream compressed)
      throws IOException {
    Buffers b = buffers.get();
    if (b.input.capacity() < length) {
      b.input = NativeDecoderStream.direct(length);
    }
    b.input.put(0, data, 0, length);
    ByteBuffer stream = b.stream;
    isal.isal_deflate_init(b.streamPointer);
    stream.putInt(STREAM_LEVEL, DEFLATE_LEVEL);
    stream.putInt(STREAM_LEVEL_BUF_SIZE, DEFLATE_LEVEL_BUFFER);
    stream.putLong(STREAM_LEVEL_BUF, b.address(b.level));
    stream.putShort(STREAM_GZIP_FLAG, (short) IGZIP_DEFLATE);
    if (preset != null) {
      if (b.dictionary.capacity() < preset.length) {
        b.dictionary = NativeDecoderStream.direct(preset.length);
      }
      b.dictionary.put(0, preset);
      check(isal.isal_deflate_set_dict(b.streamPointer, Pointer.wrap(b.runtime, b.dictionary), preset.length));
    }
    stream.putLong(STREAM_NEXT_IN, b.address(b.input));
    stream.putInt(STREAM_AVAIL_IN, length);
    stream.putShort(STREAM_END_OF_STREAM, (short) (last ? 1 : 0));
    stream.putShort(STREAM_FLUSH, (short) (last ? NO_FLUSH : SYNC_FLUSH));
    long outputAddress = b.address(b.output);
    while (true) {
      stream.putLong(STREAM_NEXT_OUT, outputAddress);
      stream.putInt(STREAM_AVAIL_OUT, OUTPUT);
      check(isal.isal_deflate(b.streamPointer));
      int produced = OUTPUT - stream.getInt(STREAM_AVAIL_OUT);
      b.output.get(0, b.staging, 0, produced);
      compressed.write(b.staging, 0, produced);
      // All input is in the output once ISA-L returns with output space left (its header says so for a flush),
      // and the final block is written once it reaches its end state.
      boolean flushed = stream.getInt(STREAM_AVAIL_IN) == 0 && stream.getInt(STREAM_AVAIL_OUT) > 0;
      if (flushed && (!last || stream.getInt(STREAM_STATE) == ZSTATE_END)) {
        return;
      }
    }
  }

  private static void check(int ret) throws IOException {
    if (ret != COMP_OK) {
      throw new IOException("ISA-L's deflate failed (" + ret + ")");
    }
  }

  /**
   * Deflates two chunks of a known text, the second with the first's tail as its dictionary, and inflates them
   * with the JDK's zlib. The struct's layout is the library's own, with no version to ask for: one whose fields
   * moved would not join its chunks, finish its stream or say so, and is then left unused.
   */
  static boolean encodesSample(Libisal.Functions functions) {
    try {
      byte[] text = new byte[200_000];
      for (int i = 0; i < text.length; i++) {
        text[i] = (byte) ("jimg\n".charAt(i % 5) + (i % 7919 == 0 ? 1 : 0));
      }
      IsalChunkDeflater deflater = new IsalChunkDeflater(functions);
      ByteArrayOutputStream compressed = new ByteArrayOutputStream();
      int half = text.length / 2;
      deflater.deflate(text, half, null, false, compressed);
      byte[] second = Arrays.copyOfRange(text, half, text.length);
      deflater.deflate(second, second.length, Arrays.copyOfRange(text, half - 32 * 1024, half), true, compressed);
      Inflater inflater = new Inflater(true);
      try {
        inflater.setInput(compressed.toByteArray());
        byte[] back = new byte[text.length + 1];
        int n = inflater.inflate(back);
        return inflater.finished() && n == text.length && Arrays.equals(text, Arrays.copyOf(back, n))
            && compressed.size() < text.length / 20;
      } finally {
        inflater.end();
      }
    } catch (IOException | DataFormatException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
