package io.jimg.transfer.compress;

import io.jimg.images.Cancellation;
import java.io.IOException;
import java.io.OutputStream;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;

/**
 * xz on several threads: each chunk becomes a whole xz stream on its own worker, and the streams are written in
 * order. Concatenated streams are one valid .xz file (xz, GNU tar and systemd-import read them whole), and jimg's
 * own decoder can decode them in parallel again. The number of workers is capped by the heap.
 */
final class ParallelXzOutputStream extends ParallelChunkOutputStream {
  static final int CHUNK = 8 << 20;

  /** Each worker thread keeps its encoder's arrays from chunk to chunk. */
  private static final ThreadLocal<ArrayCache> CACHE = ThreadLocal.withInitial(BasicArrayCache::new);

  private final Cancellation cancellation;

  ParallelXzOutputStream(OutputStream out, int requestedThreads, Cancellation cancellation) throws IOException {
    this(out, requestedThreads, CHUNK, cancellation);
  }

  ParallelXzOutputStream(OutputStream out, int requestedThreads, int chunkSize) throws IOException {
    this(out, requestedThreads, chunkSize, Cancellation.NEVER);
  }

  ParallelXzOutputStream(OutputStream out, int requestedThreads, int chunkSize, Cancellation cancellation)
      throws IOException {
    super("xz", out, threadsWithinHeap(requestedThreads, chunkSize), chunkSize, cancellation);
    this.cancellation = cancellation;
  }

  /**
   * A worker holds its encoder, the chunk it compresses and the output (at most about a chunk), and the caller
   * fills one more chunk meanwhile. All of it lives long, in the old generation: it gets two fifths of the heap,
   * so that with the young generation and the JVM's own memory the process stays under the heap's size.
   */
  private static int threadsWithinHeap(int requestedThreads, int chunkSize) throws IOException {
    long encoderBytes = Codecs.parallelXzOptions().getEncoderMemoryUsage() * 1024L;
    long perThread = encoderBytes + 2L * chunkSize;
    long budget = Runtime.getRuntime().maxMemory() / 5 * 2 - chunkSize;
    return (int) Math.max(1, Math.min(requestedThreads, budget / perThread));
  }

  @Override
  ChunkCompressor compressor(byte[] data, int length, boolean last) {
    return output -> Codecs.xzStream(data, length, output, CACHE.get(), cancellation);
  }

  @Override
  int expectedOutput(int length) {
    return length / 4 + 1024;
  }

  @Override
  boolean endsWithEmptyChunk() {
    return false;
  }
}
