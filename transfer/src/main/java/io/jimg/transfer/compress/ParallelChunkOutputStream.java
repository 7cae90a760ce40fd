package io.jimg.transfer.compress;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.images.Cancellation;
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

/**
 * A compressor on several threads: the input is cut into chunks, each compressed on a worker, and the results are
 * written in order. Memory is fixed: the chunk buffers circulate (one being filled, one per worker), and output
 * buffers are kept for the next chunks. A subclass says how one chunk is compressed and what frames the whole.
 * Once its work is cancelled, the next chunk handed over fails with the cancel, and closing abandons the chunks
 * not yet compressed, waits for the workers to end, and writes nothing more.
 */
abstract class ParallelChunkOutputStream extends OutputStream {
  /** How one chunk becomes its compressed bytes, on a worker thread. */
  interface ChunkCompressor {
    void compress(ByteArrayOutputStream output) throws IOException;
  }

  private final String format;
  private final OutputStream out;
  private final ExecutorService workers;
  private final DaemonThreads.Joinable workerThreads;
  private final Cancellation cancellation;
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
  private boolean anyChunk;
  private boolean closed;

  ParallelChunkOutputStream(String format, OutputStream out, int threads, int chunkSize, Cancellation cancellation)
      throws IOException {
    this.format = format;
    this.cancellation = cancellation;
    this.out = out;
    this.threads = threads;
    this.chunkSize = chunkSize;
    this.free = new ArrayBlockingQueue<>(threads + 1);
    for (int i = 0; i <= threads; i++) {
      free.add(new byte[chunkSize]);
    }
    this.chunk = takeFree();
    this.workerThreads = DaemonThreads.joinable("jimg-" + format + "-encoder");
    this.workers = Executors.newFixedThreadPool(threads, workerThreads);
  }

  /**
   * Called on the writing thread, in order, for each chunk; the returned compressor runs on a worker. The chunk's
   * bytes stay untouched until it has run.
   */
  abstract ChunkCompressor compressor(byte[] data, int length, boolean last);

  /** An estimate of a chunk's compressed size, to size a new output buffer. */
  abstract int expectedOutput(int length);

  /** Whether the end needs a last chunk even when it is empty (a deflate stream's final block). */
  abstract boolean endsWithEmptyChunk();

  /** Writes what follows the last chunk; nothing by default. */
  void writeTrailer(OutputStream target) throws IOException {}

  private byte[] takeFree() throws InterruptedIOException {
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(format + " compression interrupted");
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
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    cancellation.check();
    byte[] data = chunk;
    int length = filled;
    anyChunk = true;
    ChunkCompressor compressor = compressor(data, length, last);
    pending.add(workers.submit(() -> {
      try {
        ByteArrayOutputStream reused = outputs.poll();
        ByteArrayOutputStream output = reused != null ? reused : new ByteArrayOutputStream(expectedOutput(length));
        compressor.compress(output);
        return output;
      } finally {
        free.add(data);
      }
    }));
    filled = 0;
    while (pending.size() > threads) {
      writeOldest();
    }
    chunk = last ? null : takeFree();
  }

  private void writeOldest() throws IOException {
    try {
      ByteArrayOutputStream compressed = pending.removeFirst().get();
      cancellation.check(); // a cancel that came while the chunk was compressed: not one more byte is written
      compressed.writeTo(out);
      compressed.reset();
      outputs.add(compressed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(format + " compression interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException ? (IOException) cause : new IOException(format + " compression failed", cause);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (filled > 0 || !anyChunk || endsWithEmptyChunk()) {
        submit(true);
      }
      while (!pending.isEmpty()) {
        writeOldest();
      }
      writeTrailer(out);
      out.close();
    } finally {
      // After a failure or a cancel: chunks not begun are dropped, those under way end before close returns.
      for (Future<ByteArrayOutputStream> future : pending) {
        future.cancel(false);
      }
      workers.shutdown();
      workerThreads.joinAll();
    }
  }
}
