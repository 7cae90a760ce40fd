package io.jimg.transfer.compress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;

/**
 * A stream decoded by a native library into native memory: the decoded bytes wait in a direct buffer and are
 * copied once, into the caller's array. A subclass refills the buffer in {@link #decodeMore()}. A tar import
 * closes its decoder from another thread than the one reading, so a subclass calls its library under {@link #lock}
 * and only while not {@link #closed}; {@link #close()} takes the same lock, and a read after it fails.
 */
abstract class NativeDecoderStream extends InputStream {
  final ByteBuffer output;
  final long outputAddress;
  /** Held while the library runs and while the stream closes. */
  final Object lock = new Object();
  volatile boolean closed;
  private final String format;
  private int outputPosition;
  private int outputLimit;
  private boolean ended;

  /** {@code format} names the decoder in messages: "xz", "gzip". */
  NativeDecoderStream(String format, int outputSize) {
    this.format = format;
    this.output = direct(outputSize);
    this.outputAddress = Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), output).address();
  }

  static ByteBuffer direct(int size) {
    return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
  }

  /**
   * Decodes into the output buffer from its start, then calls {@link #decoded} with the bytes there, or {@link
   * #end} where the data ended (or both).
   */
  abstract void decodeMore() throws IOException;

  final void decoded(int length) {
    outputPosition = 0;
    outputLimit = length;
  }

  final void end() {
    ended = true;
  }

  /** Frees what the library holds, under {@link #lock}, once; nothing by default. */
  void releaseNative() {}

  /** Closes where the compressed bytes come from. */
  abstract void closeSource() throws IOException;

  @Override
  public final void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      releaseNative();
    }
    closeSource();
  }

  final IOException closedError() {
    return new IOException("the " + format + " decoder is closed");
  }

  @Override
  public int read() throws IOException {
    return SingleByte.read(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw closedError();
    }
    if (len == 0) {
      return 0;
    }
    while (outputPosition == outputLimit) {
      if (ended) {
        return -1;
      }
      decodeMore();
    }
    int n = Math.min(len, outputLimit - outputPosition);
    output.get(outputPosition, b, off, n);
    outputPosition += n;
    return n;
  }
}
