package io.jimg.transfer.compress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tukaani.xz.LZMA2Options;

/**
 * xz on several threads: the input is cut into chunks, each chunk becomes a whole xz stream on its own thread,
 * and the streams are written in order. Concatenated streams are one valid .xz file (xz, GNU tar and
 * systemd-import read them whole), and jimg's own decoder can decode them in parallel again. The number of
 * threads is capped by the heap, since each xz encoder holds about 94 MiB at preset 6.
 */
final class ParallelXzOutputStream extends OutputStream {
  static final int CHUNK = 16 << 20;

  private final OutputStream out;
  private final ExecutorService workers;
  private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
  private final int threads;
  private final int chunkSize;
  private byte[] chunk;
  private int filled;
  private boolean anyStream;
  private boolean closed;

  ParallelXzOutputStream(OutputStream out, int requestedThreads) throws IOException {
    this(out, requestedThreads, CHUNK);
  }

  ParallelXzOutputStream(OutputStream out, int requestedThreads, int chunkSize) throws IOException {
    this.out = out;
    this.chunkSize = chunkSize;
    this.chunk = new byte[chunkSize];
    long encoderBytes = new LZMA2Options(Codecs.XZ_PRESET).getEncoderMemoryUsage() * 1024L;
    long perThread = encoderBytes + 3L * chunkSize;
    long spare = Runtime.getRuntime().maxMemory() - (48L << 20);
    this.threads = (int) Math.max(1, Math.min(requestedThreads, spare / perThread));
    this.workers = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "jimg-xz-encoder");
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, chunkSize - filled);
      System.arraycopy(b, off, chunk, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == chunkSize) {
        submit();
      }
    }
  }

  private void submit() throws IOException {
    byte[] data = chunk;
    int length = filled;
    anyStream = true;
    pending.add(workers.submit(() -> {
      ByteArrayOutputStream compressed = new ByteArrayOutputStream(length / 4 + 1024);
      Codecs.xzStream(data, length, compressed);
      return compressed.toByteArray();
    }));
    chunk = closed ? null : new byte[chunkSize];
    filled = 0;
    while (pending.size() > threads) {
      writeOldest();
    }
  }

  private void writeOldest() throws IOException {
    try {
      out.write(pending.removeFirst().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("xz compression interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException ? (IOException) cause : new IOException("xz compression failed", cause);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (filled > 0 || !anyStream) {
        submit();
      }
      while (!pending.isEmpty()) {
        writeOldest();
      }
      out.close();
    } finally {
      workers.shutdownNow();
    }
  }
}
