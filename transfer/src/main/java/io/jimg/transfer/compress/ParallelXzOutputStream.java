package io.jimg.transfer.compress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;

/**
 * xz on several threads: the input is cut into chunks, each chunk becomes a whole xz stream on its own thread,
 * and the streams are written in order. Concatenated streams are one valid .xz file (xz, GNU tar and
 * systemd-import read them whole), and jimg's own decoder can decode them in parallel again. Memory is fixed up
 * front: the chunk buffers circulate, each worker reuses its encoder's arrays, and the number of workers is
 * capped by the heap.
 */
final class ParallelXzOutputStream extends OutputStream {
  static final int CHUNK = 8 << 20;

  /** Each worker thread keeps its encoder's arrays from chunk to chunk. */
  private static final ThreadLocal<ArrayCache> CACHE = ThreadLocal.withInitial(BasicArrayCache::new);

  private final OutputStream out;
  private final ExecutorService workers;
  private final Deque<Future<ByteArrayOutputStream>> pending = new ArrayDeque<>();
  /**
   * Output buffers, kept for the next chunks once written: a compressed chunk may outlive a young collection,
   * and buffers left to die in the old generation would grow the resident heap to its cap.
   */
  private final Queue<ByteArrayOutputStream> outputs = new ConcurrentLinkedQueue<>();
  /** Chunk buffers not being filled or compressed. */
  private final BlockingQueue<byte[]> free;
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
    // A worker holds its encoder, the chunk it compresses and the output (at most about a chunk), and the caller
    // fills one more chunk meanwhile. All of it lives long, in the old generation: it gets two fifths of the
    // heap, so that with the young generation and the JVM's own memory the process stays under the heap's size.
    long encoderBytes = Codecs.parallelXzOptions().getEncoderMemoryUsage() * 1024L;
    long perThread = encoderBytes + 2L * chunkSize;
    long budget = Runtime.getRuntime().maxMemory() / 5 * 2 - chunkSize;
    this.threads = (int) Math.max(1, Math.min(requestedThreads, budget / perThread));
    this.free = new ArrayBlockingQueue<>(threads + 1);
    for (int i = 0; i <= threads; i++) {
      free.add(new byte[chunkSize]);
    }
    this.chunk = takeFree();
    this.workers = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "jimg-xz-encoder");
      thread.setDaemon(true);
      return thread;
    });
  }

  private byte[] takeFree() throws InterruptedIOException {
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("xz compression interrupted");
    }
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
      try {
        ByteArrayOutputStream compressed = output(length / 4 + 1024);
        Codecs.xzStream(data, length, compressed, CACHE.get());
        return compressed;
      } finally {
        free.add(data);
      }
    }));
    filled = 0;
    while (pending.size() > threads) {
      writeOldest();
    }
    chunk = closed ? null : takeFree();
  }

  private ByteArrayOutputStream output(int expected) {
    ByteArrayOutputStream reused = outputs.poll();
    return reused != null ? reused : new ByteArrayOutputStream(expected);
  }

  private void writeOldest() throws IOException {
    try {
      ByteArrayOutputStream compressed = pending.removeFirst().get();
      compressed.writeTo(out);
      compressed.reset();
      outputs.add(compressed);
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
