package io.jimg.transfer.tar;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;

/**
 * Bytes read in windows: a reader looks at {@code buffer[position..limit)} in place and advances, so file data
 * goes from the decoder's buffer to pwrite without another copy.
 */
abstract class ByteSource implements Closeable {
  byte[] buffer = new byte[0];
  int position;
  int limit;
  /** Bytes consumed before {@code buffer[0]}. */
  private long base;

  /** Replaces the window with the next bytes; false at the end of input. */
  protected abstract boolean fill() throws IOException;

  /**
   * Keeps the current window's bytes unchanged until the lease is released, so that another thread may still read
   * them after the reader has moved on.
   */
  abstract Lease lease();

  /** A hold on a window's bytes; release it once, when done with them. */
  interface Lease {
    void release();
  }

  /** Sets a new window; the previous one is no longer looked at. */
  protected final void window(byte[] bytes, int start, int end) {
    base += limit;
    buffer = bytes;
    position = start;
    limit = end;
    base -= start;
  }

  /** Where the reader is, counted from the first byte. */
  final long offset() {
    return base + position;
  }

  /** At least one byte available (refilling as needed), or 0 at the end of input. */
  final int available() throws IOException {
    while (position == limit) {
      if (!fill()) {
        return 0;
      }
    }
    return limit - position;
  }

  /** Reads exactly {@code length} bytes, or returns how many it got before the input ended. */
  final int read(byte[] into, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int n = Math.min(available(), length - done);
      if (n == 0) {
        break;
      }
      System.arraycopy(buffer, position, into, offset + done, n);
      position += n;
      done += n;
    }
    return done;
  }

  final void skip(long length, String what) throws IOException {
    while (length > 0) {
      int n = (int) Math.min(available(), length);
      if (n == 0) {
        throw new EOFException(what);
      }
      position += n;
      length -= n;
    }
  }
}
