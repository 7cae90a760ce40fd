package io.jimg.transfer.compress;

import io.jimg.btrfs.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * Decodes a multi-block .xz file (what {@code xz -T} writes) on several threads. Where liblzma loads, {@link
 * #openIfParallel} hands out its multi-threaded decoder ({@link LzmaInputStream}); this class is what decodes
 * without it: the index at the end of the file says where each block starts, each worker decodes whole blocks
 * with its own org.tukaani:xz reader, and the blocks are handed out in order. Blocks in flight are bounded by the
 * heap, since each is held whole; their buffers and the decoders' dictionaries are reused, so that decoding makes
 * no garbage the size of a block.
 */
public final class ParallelXzInputStream extends InputStream {
  private final FileChannel file;
  /** The file's name, for messages. */
  private final String name;
  private final int memoryLimitKiB;
  private final SeekableXZInputStream index;
  /**
   * Each block's decoded size, read from the index once, here: the index's look-ups share one cursor, so workers
   * asking it at once read each other's answers.
   */
  private final long[] blockSizes;
  private final ExecutorService workers;
  private final ThreadLocal<SeekableXZInputStream> readers = new ThreadLocal<>();
  private final java.util.List<SeekableXZInputStream> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Deque<Future<Integer>> pending = new ArrayDeque<>();
  private final DaemonThreads.Joinable workerThreads = DaemonThreads.joinable("jimg-xz-decoder");
  /** Block buffers not in use; touched only by the reading thread. */
  private final Deque<byte[]> spare = new ArrayDeque<>();
  private final int inFlight;
  private final int bufferSize;
  private int nextBlock;
  private final Deque<byte[]> buffers = new ArrayDeque<>();
  private byte[] current = new byte[0];
  private int length;
  private int position;

  /** What a decoder of {@code xz -9}'s output needs, in KiB: its 64 MiB dictionary and a little more. */
  private static final int XZ_9_DICTIONARY_KIB = 65 << 10;

  /** Each decoder thread reuses its dictionary from block to block. */
  private static final ThreadLocal<ArrayCache> CACHE = ThreadLocal.withInitial(BasicArrayCache::new);

  private ParallelXzInputStream(FileChannel file, String name, SeekableXZInputStream index, int threads,
      int memoryLimitKiB) {
    this.file = file;
    this.name = name;
    this.index = index;
    this.blockSizes = new long[index.getBlockCount()];
    for (int block = 0; block < blockSizes.length; block++) {
      blockSizes[block] = index.getBlockSize(block);
    }
    long largest = Math.max(1, index.getLargestBlockSize());
    long spare = Runtime.getRuntime().maxMemory() / 4;
    this.inFlight = (int) Math.max(1, Math.min(threads, spare / largest));
    this.bufferSize = (int) largest;
    // Every worker holds a dictionary of its own: the limit is shared among them, never granted to each, and
    // workers are only as many as can each have xz -9's dictionary.
    int workerCount = (int) Math.max(1, Math.min(Math.min(threads, inFlight), memoryLimitKiB / XZ_9_DICTIONARY_KIB));
    this.memoryLimitKiB = memoryLimitKiB / workerCount;
    this.workers = Executors.newFixedThreadPool(workerCount, workerThreads);
  }

  /**
   * A parallel decoder for a file the caller holds open, and keeps open (a verified download, say), or null where
   * parallel decoding gains nothing (one thread; without liblzma also one block, or blocks too large to hold): then
   * the caller decodes the file as a stream. Where liblzma loads, this is its multi-threaded decoder reading the
   * file from its first byte; else the blocks are found through the index and decoded by org.tukaani:xz.
   */
  public static InputStream openIfParallel(FileChannel file, String name, int threads, DecoderLimits limits)
      throws IOException {
    if (threads < 2) {
      return null;
    }
    if (Liblzma.loaded()) {
      return LzmaInputStream.decode(file, threads, limits);
    }
    return openJavaIfParallel(file, name, threads, limits);
  }

  /** org.tukaani:xz's decoders on the blocks the index lists, or null; what liblzma's absence leaves. */
  static InputStream openJavaIfParallel(FileChannel file, String name, int threads, DecoderLimits limits)
      throws IOException {
    if (threads < 2) {
      return null;
    }
    SeekableXZInputStream index = new SeekableXZInputStream(new ChannelSeekableInput(file), limits.xzMemoryKiB());
    if (index.getBlockCount() < 2 || index.getLargestBlockSize() > Runtime.getRuntime().maxMemory() / 6) {
      index.close();
      return null;
    }
    return new ParallelXzInputStream(file, name, index, threads, limits.xzMemoryKiB());
  }

  private void schedule() {
    while (pending.size() < inFlight && nextBlock < index.getBlockCount()) {
      int block = nextBlock++;
      byte[] buffer = spare.isEmpty() ? new byte[bufferSize] : spare.removeFirst();
      buffers.addLast(buffer);
      pending.add(workers.submit(() -> decode(block, buffer)));
    }
  }

  private int decode(int block, byte[] buffer) throws IOException {
    SeekableXZInputStream reader = readers.get();
    if (reader == null) {
      reader = new SeekableXZInputStream(new ChannelSeekableInput(file), memoryLimitKiB, true, CACHE.get());
      readers.set(reader);
      opened.add(reader);
    }
    long size = blockSizes[block];
    if (size > buffer.length) {
      throw new IOException("xz block " + block + " of " + name + " is larger than its index said");
    }
    byte[] data = buffer;
    int length = (int) size;
    reader.seekToBlock(block);
    int done = 0;
    while (done < length) {
      int n = reader.read(data, done, length - done);
      if (n < 0) {
        throw new IOException("xz block " + block + " of " + name + " ends early");
      }
      done += n;
    }
    return length;
  }

  private boolean advance() throws IOException {
    schedule();
    if (pending.isEmpty()) {
      return false;
    }
    if (current.length > 0) {
      spare.addLast(current);
    }
    try {
      length = pending.removeFirst().get();
      current = buffers.removeFirst();
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
    return SingleByte.read(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (position == length) {
      if (!advance()) {
        return -1;
      }
    }
    int n = Math.min(len, length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    // Blocks not begun are dropped, and those under way end (one block each at most) before the readers they use
    // are closed: no interrupt, which would close the caller's channel under a worker's read.
    for (Future<Integer> block : pending) {
      block.cancel(false);
    }
    workers.shutdown();
    workerThreads.joinAll();
    index.close();
    for (SeekableXZInputStream reader : opened) {
      reader.close();
    }
  }
}
