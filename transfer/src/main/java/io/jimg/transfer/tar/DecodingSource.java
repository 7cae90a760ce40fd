package io.jimg.transfer.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * A {@link ByteSource} whose bytes are decoded on another thread, so that decompression overlaps tar parsing and
 * file writing. A fixed set of chunks circulates between the two threads: memory stays bounded whatever the
 * archive's size, and a slow writer holds back the decoder rather than letting it run ahead.
 */
final class DecodingSource extends ByteSource {
  static final int CHUNK = 1 << 20;
  static final int CHUNKS = 6;

  private record Chunk(byte[] bytes, int length, IOException error) {}

  private static final Chunk END = new Chunk(null, 0, null);

  private final InputStream in;
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS + 1);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
  private final Thread decoder;
  private byte[] current;
  private boolean ended;
  private volatile boolean closed;

  DecodingSource(InputStream in, ThreadFactory threads) {
    this.in = in;
    for (int i = 0; i < CHUNKS; i++) {
      free.add(new byte[CHUNK]);
    }
    this.decoder = threads.newThread(this::decode);
    decoder.start();
  }

  private void decode() {
    try {
      while (!closed) {
        byte[] bytes = free.take();
        int length = 0;
        while (length < bytes.length) {
          int n = in.read(bytes, length, bytes.length - length);
          if (n < 0) {
            break;
          }
          length += n;
        }
        if (length > 0) {
          full.put(new Chunk(bytes, length, null));
        }
        if (length < bytes.length) {
          full.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the reader
    } catch (IOException e) {
      full.offer(new Chunk(null, 0, e));
    } catch (RuntimeException e) {
      full.offer(new Chunk(null, 0, new IOException("decoding failed: " + e, e)));
    }
  }

  @Override
  protected boolean fill() throws IOException {
    if (ended) {
      return false;
    }
    if (current != null) {
      free.add(current);
      current = null;
    }
    Chunk chunk;
    try {
      chunk = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the archive");
    }
    if (chunk.error != null) {
      ended = true;
      throw new IOException(chunk.error.getMessage(), chunk.error);
    }
    if (chunk == END) {
      ended = true;
      return false;
    }
    current = chunk.bytes;
    window(chunk.bytes, 0, chunk.length);
    return true;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    decoder.interrupt();
    try {
      in.close();
    } finally {
      try {
        decoder.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
