package io.jimg.transfer.compress;

import static io.jimg.transfer.compress.Liblzma.LZMA_BUF_ERROR;
import static io.jimg.transfer.compress.Liblzma.LZMA_CONCATENATED;
import static io.jimg.transfer.compress.Liblzma.LZMA_DATA_ERROR;
import static io.jimg.transfer.compress.Liblzma.LZMA_FINISH;
import static io.jimg.transfer.compress.Liblzma.LZMA_FORMAT_ERROR;
import static io.jimg.transfer.compress.Liblzma.LZMA_MEMLIMIT_ERROR;
import static io.jimg.transfer.compress.Liblzma.LZMA_MEM_ERROR;
import static io.jimg.transfer.compress.Liblzma.LZMA_OK;
import static io.jimg.transfer.compress.Liblzma.LZMA_OPTIONS_ERROR;
import static io.jimg.transfer.compress.Liblzma.LZMA_RUN;
import static io.jimg.transfer.compress.Liblzma.LZMA_STREAM_END;
import static io.jimg.transfer.compress.Liblzma.LZMA_TELL_UNSUPPORTED_CHECK;
import static io.jimg.transfer.compress.Liblzma.LZMA_UNSUPPORTED_CHECK;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import jnr.ffi.Pointer;

/**
 * Decodes .xz with the system's liblzma, on several threads: its multi-threaded decoder reads ahead the blocks
 * whose sizes their headers give (what {@code xz -T} writes) and decodes them side by side, from a plain stream,
 * so a pipe gains as much as a file. Concatenated streams are read to the end; anything after the last stream
 * that is not another stream, a truncation, or a failed check is an error.
 *
 * <p>The lzma_stream and the input buffer are native memory too. {@link #close()} frees liblzma's memory, under
 * the lock its calls take.
 */
final class LzmaInputStream extends NativeDecoderStream {
  static final int INPUT = 256 * 1024;
  static final int OUTPUT = 1024 * 1024;
  /**
   * The native memory the decoder may take to decode blocks side by side. Each block in flight holds its
   * compressed and decoded bytes and a dictionary, about 41 MiB for the 24 MiB blocks of {@code xz -T2 -6}, so
   * two run at once; a block that alone needs more is decoded in the calling thread, with its dictionary only.
   * An import of such a file peaks near 190 MiB resident, under the 256 MiB a command may take.
   */
  static final long THREADING_MEMORY = 96L << 20;

  /** Where the compressed bytes come from. */
  private interface Source {
    /** Fills {@code into} from its position, returning the count read or -1 at the end. */
    int read(ByteBuffer into) throws IOException;

    void close() throws IOException;
  }

  private final Liblzma.Functions lzma;
  private final Source source;
  private final long memoryLimit;
  private final ByteBuffer stream = direct(Liblzma.STREAM_SIZE);
  private final Pointer streamPointer;
  private final ByteBuffer input = direct(INPUT);
  private final long inputAddress;
  private boolean inputEnded;

  private LzmaInputStream(Liblzma.Functions lzma, Source source, int threads, DecoderLimits limits)
      throws IOException {
    super("xz", OUTPUT);
    this.lzma = lzma;
    this.source = source;
    this.memoryLimit = limits.xzMemoryBytes();
    jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
    this.streamPointer = Pointer.wrap(runtime, stream);
    this.inputAddress = Pointer.wrap(runtime, input).address();
    ByteBuffer options = direct(Liblzma.MT_SIZE);
    options.putInt(Liblzma.MT_FLAGS, LZMA_CONCATENATED | LZMA_TELL_UNSUPPORTED_CHECK);
    options.putInt(Liblzma.MT_THREADS, Math.max(1, threads));
    options.putInt(Liblzma.MT_TIMEOUT, 0); // lzma_code waits for its threads: no spinning on an empty return
    options.putLong(Liblzma.MT_MEMLIMIT_THREADING, Math.min(THREADING_MEMORY, memoryLimit));
    options.putLong(Liblzma.MT_MEMLIMIT_STOP, memoryLimit);
    int ret = lzma.lzma_stream_decoder_mt(streamPointer, Pointer.wrap(runtime, options));
    if (ret != LZMA_OK) {
      lzma.lzma_end(streamPointer);
      closed = true;
      throw failure(ret);
    }
  }

  /** Decodes {@code in}, closing it on {@link #close()}; needs {@link Liblzma#loaded()}. */
  static InputStream decode(InputStream in, int threads, DecoderLimits limits) throws IOException {
    byte[] staging = new byte[INPUT];
    Source source = new Source() {
      @Override
      public int read(ByteBuffer into) throws IOException {
        int n = in.read(staging, 0, into.remaining());
        if (n > 0) {
          into.put(staging, 0, n);
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
    return new LzmaInputStream(library(), source, threads, limits);
  }

  /**
   * Decodes a file from its first byte, by positional reads that leave the channel's position alone; the channel is
   * the caller's, who keeps it open and closes it. Needs {@link Liblzma#loaded()}.
   */
  static InputStream decode(FileChannel file, int threads, DecoderLimits limits) throws IOException {
    Source source = new Source() {
      private long position;

      @Override
      public int read(ByteBuffer into) throws IOException {
        int n = file.read(into, position);
        if (n > 0) {
          position += n;
        }
        return n;
      }

      @Override
      public void close() {}
    };
    return new LzmaInputStream(library(), source, threads, limits);
  }

  private static Liblzma.Functions library() {
    if (Liblzma.FUNCTIONS == null) {
      throw new IllegalStateException("liblzma is not loaded");
    }
    return Liblzma.FUNCTIONS;
  }

  /** One lzma_code call into the emptied output buffer, first refilling the input if liblzma took all of it. */
  @Override
  void decodeMore() throws IOException {
    if (!inputEnded && stream.getLong(Liblzma.STREAM_AVAIL_IN) == 0) {
      input.clear();
      int n = source.read(input);
      if (n < 0) {
        inputEnded = true;
        n = 0;
      }
      stream.putLong(Liblzma.STREAM_NEXT_IN, inputAddress);
      stream.putLong(Liblzma.STREAM_AVAIL_IN, n);
    }
    stream.putLong(Liblzma.STREAM_NEXT_OUT, outputAddress);
    stream.putLong(Liblzma.STREAM_AVAIL_OUT, OUTPUT);
    int ret;
    synchronized (lock) {
      if (closed) {
        throw closedError();
      }
      // Without LZMA_FINISH at the end of the input, a truncated file would look like one still arriving.
      ret = lzma.lzma_code(streamPointer, inputEnded ? LZMA_FINISH : LZMA_RUN);
    }
    decoded(OUTPUT - (int) stream.getLong(Liblzma.STREAM_AVAIL_OUT));
    if (ret == LZMA_STREAM_END) {
      end();
    } else if (ret != LZMA_OK) {
      throw failure(ret);
    }
  }

  private IOException failure(int ret) {
    String problem;
    switch (ret) {
      case LZMA_DATA_ERROR:
        problem = "corrupt xz data";
        break;
      case LZMA_BUF_ERROR:
        problem = "truncated xz data";
        break;
      case LZMA_FORMAT_ERROR:
        problem = "xz data is not in the xz format";
        break;
      case LZMA_MEMLIMIT_ERROR:
        problem = "xz data needs more memory than the limit of " + (memoryLimit >> 20) + " MiB";
        break;
      case LZMA_MEM_ERROR:
        problem = "out of memory decoding xz data";
        break;
      case LZMA_OPTIONS_ERROR:
        problem = "xz data uses options this liblzma does not support";
        break;
      case LZMA_UNSUPPORTED_CHECK:
        problem = "xz data has an integrity check this liblzma cannot verify";
        break;
      default:
        problem = "liblzma failed decoding xz data";
    }
    return new IOException(problem + " (" + Liblzma.name(ret) + ")");
  }

  @Override
  void releaseNative() {
    lzma.lzma_end(streamPointer);
  }

  @Override
  void closeSource() throws IOException {
    source.close();
  }
}
