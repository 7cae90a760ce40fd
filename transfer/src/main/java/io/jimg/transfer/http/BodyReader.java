package io.jimg.transfer.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a response body into whole buffers on its own thread, one buffer ahead of the thread that writes and
 * hashes them: okio hands out 8 KiB segments, and a write and a progress event per segment cost more than the
 * hashing. Two buffers circulate, so memory stays bounded; a buffer comes back through {@link #recycle}.
 */
final class BodyReader implements Runnable {
  static final int BUFFER = 1024 * 1024;
  private static final int BUFFERS = 2;

  /**
   * Bytes read into {@code bytes}; {@code end} at the end of the body; {@code cut} where the connection failed
   * after {@code length} bytes, which are still good.
   */
  record Filled(byte[] bytes, int length, boolean end, IOException cut) {}

  private final InputStream body;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  /** Never full: each entry holds one of the buffers, or none after a failure. */
  private final BlockingQueue<Filled> full = new ArrayBlockingQueue<>(BUFFERS + 1);

  BodyReader(InputStream body) {
    this.body = body;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[BUFFER]);
    }
  }

  @Override
  public void run() {
    try {
      while (true) {
        byte[] buffer = free.take();
        int n = 0;
        IOException cut = null;
        boolean end = false;
        while (n < buffer.length) {
          if (Thread.currentThread().isInterrupted()) {
            return; // the writer has stopped taking buffers
          }
          int read;
          try {
            read = body.read(buffer, n, buffer.length - n);
          } catch (IOException e) {
            cut = e;
            break;
          }
          if (read < 0) {
            end = true;
            break;
          }
          n += read;
        }
        full.add(new Filled(buffer, n, end, cut));
        if (end || cut != null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // the writer has stopped taking buffers
    } catch (RuntimeException e) {
      full.add(new Filled(new byte[0], 0, false, new IOException("reading the body failed: " + e, e)));
    }
  }

  /** The next filled buffer, waiting for the network where needed. */
  Filled next() throws InterruptedIOException {
    try {
      return full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading");
    }
  }

  /** Gives a buffer back once written and hashed. */
  void recycle(byte[] buffer) {
    if (buffer.length == BUFFER) {
      free.add(buffer);
    }
  }
}
