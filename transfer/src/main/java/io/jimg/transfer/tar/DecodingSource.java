package io.jimg.transfer.tar;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ByteSource} whose bytes are decoded on another thread, so that decompression overlaps tar parsing and
 * file writing. A fixed set of chunks circulates between the threads: memory stays bounded whatever the
 * archive's size, and a slow writer holds back the decoder rather than letting it run ahead. A chunk goes back to
 * the decoder once the reader has moved past it and every {@link #lease} on it is released. A cancel is seen at
 * the reader's next chunk, and wakes a reader that waits for the decoder; closing ends the decoder thread.
 */
final class DecodingSource extends ByteSource {
  static final int CHUNK = 1 << 20;
  static final int CHUNKS = 8;

  private final class Chunk implements Lease {
    final byte[] bytes = new byte[CHUNK];
    final AtomicInteger users = new AtomicInteger();

    @Override
    public void release() {
      if (users.decrementAndGet() == 0) {
        free.add(this);
      }
    }
  }

  private record Filled(Chunk chunk, int length, IOException error) {}

  private static final Filled END = new Filled(null, 0, null);
  /** Put where the reader may be waiting, once the work is cancelled. */
  private static final Filled CANCELLED = new Filled(null, 0, null);

  private final InputStream in;
  /** What a decoder's failure says first: "cannot decode the gzip data of image.tar.gz". */
  private final String failure;
  private final BlockingQueue<Filled> full = new ArrayBlockingQueue<>(CHUNKS + 1);
  private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS);
  private final Thread decoder;
  private final Cancellation cancellation;
  private final Cancellation.Registration wakeReader;
  private Chunk current;
  private boolean ended;
  private volatile boolean closed;

  DecodingSource(InputStream in, ThreadFactory threads, String failure, Cancellation cancellation) {
    this.in = in;
    this.failure = failure;
    this.cancellation = cancellation;
    for (int i = 0; i < CHUNKS; i++) {
      free.add(new Chunk());
    }
    this.decoder = threads.newThread(this::decode);
    decoder.start();
    // The queue has room for it whenever the reader can be waiting on it (it is never full then).
    this.wakeReader = cancellation.onCancel(() -> full.offer(CANCELLED));
  }

  private void decode() {
    try {
      while (!closed) {
        Chunk chunk = free.take();
        byte[] bytes = chunk.bytes;
        int length = 0;
        while (length < bytes.length) {
          int n = in.read(bytes, length, bytes.length - length);
          if (n < 0) {
            break;
          }
          length += n;
        }
        if (length > 0) {
          chunk.users.set(1);
          full.put(new Filled(chunk, length, null));
        }
        if (length < bytes.length) {
          full.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the reader
    } catch (IOException e) {
      full.offer(new Filled(null, 0, e));
    } catch (RuntimeException e) {
      full.offer(new Filled(null, 0, new IOException("decoding failed: " + e, e)));
    }
  }

  @Override
  protected boolean fill() throws IOException {
    if (ended) {
      return false;
    }
    cancellation.check();
    if (current != null) {
      current.release();
      current = null;
    }
    Filled filled;
    try {
      filled = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the archive");
    }
    if (filled == CANCELLED) {
      cancellation.check();
    }
    if (filled.error != null) {
      ended = true;
      throw failure(failure, filled.error);
    }
    if (filled == END) {
      ended = true;
      return false;
    }
    current = filled.chunk;
    window(current.bytes, 0, filled.length);
    return true;
  }

  /**
   * A decoder's failure as a person reads it: {@code what} ("cannot decode the gzip data of image.tar.gz") and
   * the decoder's own words, where it has some. One that already speaks for jimg is left as it is.
   */
  static IOException failure(String what, IOException e) {
    return e instanceof JimgException ? e : new TarException(what + ": " + describe(e), e);
  }

  /** Some decoders throw with no message, or with an EOFException's. */
  private static String describe(IOException e) {
    String message = e.getMessage();
    if (e instanceof EOFException) {
      return "it ends too early" + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
    return message == null || message.isBlank() ? e.getClass().getName() : message;
  }

  @Override
  Lease lease() {
    current.users.incrementAndGet();
    return current;
  }

  @Override
  public void close() throws IOException {
    wakeReader.close();
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
