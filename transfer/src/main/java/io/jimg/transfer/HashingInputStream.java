package io.jimg.transfer;

import io.jimg.transfer.http.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream an import reads (standard input, a pipe) that hashes what passes through it, in the reading thread: the
 * SHA-256 of the input costs no second pass. An importer may stop reading before the input's end (bytes after a
 * compressed stream's trailer); on close the rest is read too, up to {@link #DRAIN_MAX}, so that the digest is of
 * the whole input, as {@code sha256sum} would give it, or there is none.
 *
 * <p>An importer reads on a thread of its own and may close the stream from another to stop it (a cancel): then a
 * read is under way, the close reads nothing, and there is no digest. The native digest is touched under a lock,
 * never after {@link #release()}, so that no thread updates it once freed.
 */
final class HashingInputStream extends FilterInputStream {
  /** The most unread bytes read on close for the digest's sake; past them the digest is unknown. */
  static final int DRAIN_MAX = 1 << 20;

  private final Sha256 sha256 = Sha256.create();
  private final AtomicInteger reading = new AtomicInteger();
  private volatile boolean closed;
  private volatile boolean whole;
  private boolean released;

  HashingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    reading.incrementAndGet();
    try {
      if (closed) {
        throw new IOException("Stream closed");
      }
      return hashed(bytes, offset, length);
    } finally {
      reading.decrementAndGet();
    }
  }

  private int hashed(byte[] bytes, int offset, int length) throws IOException {
    int n = in.read(bytes, offset, length);
    if (n > 0) {
      byte[] read = offset == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, offset, offset + n);
      synchronized (sha256) {
        if (!released) {
          sha256.update(read, n);
        }
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    return read(new byte[(int) Math.min(n, 64 * 1024)], 0, (int) Math.min(n, 64 * 1024)); // skipped bytes are hashed
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /**
   * The hex SHA-256 of the whole input, null where it was not read to its end; after {@link #close()}, by the thread
   * that ran the import, once it has ended. Frees the digest.
   */
  String sha256() {
    synchronized (sha256) {
      String hex = whole && !released ? HexFormat.of().formatHex(sha256.digest()) : null;
      release();
      return hex;
    }
  }

  /** Frees the native digest; any later read hashes nothing. */
  void release() {
    synchronized (sha256) {
      if (!released) {
        released = true;
        sha256.close();
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (reading.get() == 0) { // no read under way (no cancel): the rest is this thread's to read
        byte[] buffer = new byte[64 * 1024];
        long drained = 0;
        int n;
        while (drained <= DRAIN_MAX && (n = hashed(buffer, 0, buffer.length)) >= 0) {
          drained += n;
        }
        whole = drained <= DRAIN_MAX;
      }
    } catch (IOException e) {
      // a failed read leaves the digest unknown; the import reports its own failure
    } finally {
      in.close();
    }
  }
}
