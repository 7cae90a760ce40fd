package io.jimg.transfer.compress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip on several threads, as pigz does it: the input is cut into chunks, each deflated on a worker with the
 * previous chunk's last 32 KiB as its dictionary and ended with a sync flush (the last one with the final
 * block), so that the pieces join into one deflate stream in a single gzip member, which every reader takes
 * (systemd 252 reads only the first member of a multi-member file). Memory is fixed: chunk buffers circulate.
 */
final class ParallelGzipOutputStream extends OutputStream {
  static final int CHUNK = 1 << 20;
  private static final int WINDOW = 32 * 1024;
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Codecs.GZIP_LEVEL, true));

  private final OutputStream out;
  private final ExecutorService workers;
  private final Deque<Future<ByteArrayOutputStream>> pending = new ArrayDeque<>();
  /**
   * Output buffers, kept for the next chunks once written: a compressed chunk may outlive a young collection,
   * and buffers left to die in the old generation would grow the resident heap to its cap.
   */
  private final Queue<ByteArrayOutputStream> outputs = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<byte[]> free;
  private final int threads;
  private final CRC32 crc = new CRC32();
  private long size;
  private byte[] chunk;
  private int filled;
  private byte[] dictionary;
  private boolean closed;

  ParallelGzipOutputStream(OutputStream out, int threads) throws IOException {
    this.out = out;
    this.threads = threads;
    this.free = new ArrayBlockingQueue<>(threads + 1);
    for (int i = 0; i <= threads; i++) {
      free.add(new byte[CHUNK]);
    }
    this.chunk = takeFree();
    this.workers = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "jimg-gzip-encoder");
      thread.setDaemon(true);
      return thread;
    });
    // ID1 ID2, deflate, no flags, no mtime, no extra flags, OS Unix: what gzip -n writes.
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
  }

  private byte[] takeFree() throws InterruptedIOException {
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("gzip compression interrupted");
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    size += len;
    while (len > 0) {
      int n = Math.min(len, CHUNK - filled);
      System.arraycopy(b, off, chunk, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == CHUNK) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] data = chunk;
    int length = filled;
    byte[] preset = dictionary;
    dictionary = length >= WINDOW ? Arrays.copyOfRange(data, length - WINDOW, length) : null;
    pending.add(workers.submit(() -> {
      try {
        return deflate(data, length, preset, last, output(length / 2 + 64));
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

  private static ByteArrayOutputStream deflate(byte[] data, int length, byte[] preset, boolean last,
      ByteArrayOutputStream compressed) {
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    if (preset != null) {
      deflater.setDictionary(preset);
    }
    deflater.setInput(data, 0, length);
    if (last) {
      deflater.finish();
    }
    byte[] buffer = new byte[64 * 1024];
    while (true) {
      int n = last ? deflater.deflate(buffer) : deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
      compressed.write(buffer, 0, n);
      if (last ? deflater.finished() : n < buffer.length) {
        return compressed;
      }
    }
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
      throw new InterruptedIOException("gzip compression interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException ? (IOException) cause : new IOException("gzip compression failed", cause);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      submit(true);
      while (!pending.isEmpty()) {
        writeOldest();
      }
      long value = crc.getValue();
      out.write(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24),
          (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)});
      out.close();
    } finally {
      workers.shutdownNow();
    }
  }
}
