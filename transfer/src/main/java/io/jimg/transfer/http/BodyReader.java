package io.jimg.transfer.http;

import io.jimg.btrfs.DaemonThreads;
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

  /** What is done with each buffer, in order, on the calling thread. */
  @FunctionalInterface
  public interface Handler {
    void handle(byte[] bytes, int length) throws IOException;
  }
  private static final int BUFFERS = 2;

  /**
   * Bytes read into {@code bytes}; {@code end} at the end of the body; {@code cut} where the connection failed
   * after {@code length} bytes, which are still good.
   */
  record Filled(byte[] bytes, int length, boolean end, IOException cut) {}

  private final InputStream body;
  private final int bufferSize;
  private long left;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  /** Never full: each entry holds one of the buffers, or none after a failure. */
  private final BlockingQueue<Filled> full = new ArrayBlockingQueue<>(BUFFERS + 1);

  /**
   * Reads at most {@code limit} bytes of {@code body} on a thread named {@code threadName}, one buffer ahead of
   * {@code handler}, which gets each on this thread; a read that failed is thrown once the bytes before it are
   * handled (a download keeps them, to resume after them). Returns at the end or the limit. Whatever ends it, the
   * reader has stopped when this returns: interrupted, it stops after the read under way (which ends with data,
   * the end of the body, the read timeout or a cancelled call's closed socket), so the caller may close the body.
   */
  public static void forEach(InputStream body, long limit, String threadName, Handler handler) throws IOException {
    BodyReader reader = new BodyReader(body, limit);
    Thread thread = DaemonThreads.named(threadName).newThread(reader);
    thread.start();
    try {
      while (true) {
        Filled filled = reader.next();
        handler.handle(filled.bytes(), filled.length());
        reader.recycle(filled.bytes());
        if (filled.cut() != null) {
          throw filled.cut();
        }
        if (filled.end()) {
          return;
        }
      }
    } finally {
      thread.interrupt();
      DaemonThreads.joinUninterruptibly(thread);
    }
  }

  /** Reads at most {@code limit} bytes of {@code body}, in buffers no larger than that. */
  BodyReader(InputStream body, long limit) {
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
    if (buffer.length == bufferSize) {
      free.add(buffer);
    }
  }
}
