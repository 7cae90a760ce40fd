package io.jimg.transfer.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * Decodes a multi-block .xz file (what {@code xz -T} writes) on several threads: the index at the end of the
 * file says where each block starts, each worker decodes whole blocks with its own reader, and the blocks are
 * handed out in order. Blocks in flight are bounded by the heap, since each is held whole.
 */
public final class ParallelXzInputStream extends InputStream {
  private final Path file;
  private final int memoryLimitKiB;
  private final SeekableXZInputStream index;
  private final ExecutorService workers;
  private final ThreadLocal<SeekableXZInputStream> readers = new ThreadLocal<>();
  private final java.util.List<SeekableXZInputStream> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
  private final int inFlight;
  private int nextBlock;
  private byte[] current = new byte[0];
  private int position;

  private ParallelXzInputStream(Path file, SeekableXZInputStream index, int threads, int memoryLimitKiB) {
    this.file = file;
    this.index = index;
    this.memoryLimitKiB = memoryLimitKiB;
    long largest = Math.max(1, index.getLargestBlockSize());
    long spare = Runtime.getRuntime().maxMemory() / 4;
    this.inFlight = (int) Math.max(1, Math.min(threads, spare / largest));
    this.workers = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, inFlight)), task -> {
      Thread thread = new Thread(task, "jimg-xz-decoder");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * A parallel decoder for the file, or null where parallel decoding gains nothing (one block, one thread, or
   * blocks too large to hold): then the caller decodes the file as a stream.
   */
  public static InputStream openIfParallel(Path file, int threads, DecoderLimits limits) throws IOException {
    if (threads < 2) {
      return null;
    }
    SeekableXZInputStream index = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()),
        limits.xzMemoryKiB());
    if (index.getBlockCount() < 2 || index.getLargestBlockSize() > Runtime.getRuntime().maxMemory() / 6) {
      index.close();
      return null;
    }
    return new ParallelXzInputStream(file, index, threads, limits.xzMemoryKiB());
  }

  private void schedule() {
    while (pending.size() < inFlight && nextBlock < index.getBlockCount()) {
      int block = nextBlock++;
      pending.add(workers.submit(() -> decode(block)));
    }
  }

  private byte[] decode(int block) throws IOException {
    SeekableXZInputStream reader = readers.get();
    if (reader == null) {
      reader = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()), memoryLimitKiB);
      readers.set(reader);
      opened.add(reader);
    }
    long size = index.getBlockSize(block);
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("xz block " + block + " of " + file + " is too large to decode in parallel");
    }
    byte[] data = new byte[(int) size];
    reader.seekToBlock(block);
    int done = 0;
    while (done < data.length) {
      int n = reader.read(data, done, data.length - done);
      if (n < 0) {
        throw new IOException("xz block " + block + " of " + file + " ends early");
      }
      done += n;
    }
    return data;
  }

  private boolean advance() throws IOException {
    schedule();
    if (pending.isEmpty()) {
      return false;
    }
    try {
      current = pending.removeFirst().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("xz decoding interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException ? (IOException) cause : new IOException("xz decoding failed", cause);
    }
    position = 0;
    schedule();
    return true;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (position == current.length) {
      if (!advance()) {
        return -1;
      }
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    workers.shutdownNow();
    index.close();
    for (SeekableXZInputStream reader : opened) {
      reader.close();
    }
  }
}
