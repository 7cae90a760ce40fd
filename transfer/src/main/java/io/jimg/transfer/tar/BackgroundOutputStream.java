package io.jimg.transfer.tar;

import io.jimg.images.Cancellation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * Writes into another stream (a compressor, say) on a thread of its own, so that the work behind that stream
 * overlaps the caller's. Bytes go through a fixed set of buffers: memory stays bounded, and a slow stream holds
 * back the caller. Closing waits for everything written, then closes the stream; a failure of the stream
 * surfaces at the caller's next write or at close. Once the work is cancelled, the caller's next buffer handed
 * over fails with the cancel, and what is still queued is dropped, not written.
 */
final class BackgroundOutputStream extends OutputStream {
  static final int BUFFER = 1 << 20;
  static final int BUFFERS = 4;

  private record Filled(byte[] bytes, int length) {}

  private static final Filled END = new Filled(null, 0);

  private final OutputStream out;
  private final BlockingQueue<Filled> full = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final Thread writer;
  private final Cancellation cancellation;
  private volatile IOException failure;
  private byte[] buffer;
  private int filled;
  private boolean closed;

  BackgroundOutputStream(OutputStream out, ThreadFactory threads, Cancellation cancellation) {
    this.out = out;
    this.cancellation = cancellation;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[BUFFER]);
    }
    this.buffer = free.remove();
    this.writer = threads.newThread(this::run);
    writer.start();
  }

  private void run() {
    while (true) {
      Filled next;
      try {
        next = full.take();
      } catch (InterruptedException e) {
        return;
      }
      if (next == END) {
        return;
      }
      if (failure == null && !cancellation.isCancelled()) {
        try {
          out.write(next.bytes, 0, next.length);
        } catch (IOException | RuntimeException e) {
          failure = e instanceof IOException ? (IOException) e : new IOException(e.toString(), e);
        }
      }
      free.add(next.bytes);
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == buffer.length) {
      handOff();
    }
    buffer[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == buffer.length) {
        handOff();
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  private void handOff() throws IOException {
    cancellation.check();
    check();
    try {
      full.put(new Filled(buffer, filled));
      buffer = free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the archive");
    }
    filled = 0;
  }

  private void check() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw new IOException(f.getMessage(), f);
    }
  }

  /** Reports a failure so far; the bytes themselves reach the stream by {@link #close}. */
  @Override
  public void flush() throws IOException {
    check(); // a flush of a compressor in between would only cost it its ratio
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      try {
        if (filled > 0) {
          handOff();
        }
      } finally {
        stopWriter();
      }
      check();
    } finally {
      out.close();
    }
  }

  private void stopWriter() throws InterruptedIOException {
    try {
      full.put(END);
      writer.join();
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the archive");
    }
  }
}
