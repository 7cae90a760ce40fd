package io.jimg.transfer.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a response body (or any stream) into whole buffers on its own thread, one buffer ahead of the thread that
 * writes and hashes them: okio hands out 8 KiB segments, and a write and a progress event per segment cost more
 * than the hashing. Two buffers circulate, so memory stays bounded; a buffer comes back through {@link #recycle}.
 * A limit, where given, is the most it reads: the end is reported once that many bytes came, whatever follows.
 */
public final class BodyReader implements Runnable {
  public static final int BUFFER = 1024 * 1024;
  private static final int BUFFERS = 2;

  /**
   * Bytes read into {@code bytes}; {@code end} at the end of the body; {@code cut} where the connection failed
   * after {@code length} bytes, which are still good.
   */
  public record Filled(byte[] bytes, int length, boolean end, IOException cut) {}

  private final InputStream body;
  private final int bufferSize;
  private long left;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  /** Never full: each entry holds one of the buffers, or none after a failure. */
  private final BlockingQueue<Filled> full = new ArrayBlockingQueue<>(BUFFERS + 1);

  BodyReader(InputStream body) {
    this(body, Long.MAX_VALUE);
  }

  /** Reads at most {@code limit} bytes of {@code body}, in buffers no larger than that. */
  public BodyReader(InputStream body, long limit) {
    this.body = body;
    this.left = limit;
    this.bufferSize = (int) Math.min(BUFFER, limit);
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[bufferSize]);
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
        int wanted = (int) Math.min(buffer.length, left);
        while (n < wanted) {
          if (Thread.currentThread().isInterrupted()) {
            return; // the writer has stopped taking buffers
          }
          int read;
          try {
            read = body.read(buffer, n, wanted - n);
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
        left -= n;
        end |= left == 0;
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
  public Filled next() throws InterruptedIOException {
    try {
      return full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading");
    }
  }

  /** Gives a buffer back once written and hashed. */
  public void recycle(byte[] buffer) {
    if (buffer.length == bufferSize) {
      free.add(buffer);
    }
  }
}
