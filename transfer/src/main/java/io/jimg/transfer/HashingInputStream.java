package io.jimg.transfer;

import io.jimg.transfer.http.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;

/**
 * A stream an import reads (standard input, a pipe) that hashes what passes through it, in the reading thread: the
 * SHA-256 of the input costs no second pass. An importer may stop reading before the input's end (bytes after a
 * compressed stream's trailer); on close the rest is read too, up to {@link #DRAIN_MAX}, so that the digest is of
 * the whole input, as {@code sha256sum} would give it, or there is none.
 */
final class HashingInputStream extends FilterInputStream {
  /** The most unread bytes read on close for the digest's sake; past them the digest is unknown. */
  static final int DRAIN_MAX = 1 << 20;

  private final Sha256 sha256 = Sha256.create();
  private final byte[] buffer = new byte[64 * 1024];
  private String hex;
  private boolean closed;

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
    int n = in.read(buffer, 0, Math.min(length, buffer.length));
    if (n > 0) {
      sha256.update(buffer, n);
      System.arraycopy(buffer, 0, bytes, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    return read(buffer, 0, (int) Math.min(n, buffer.length)); // every byte skipped is hashed too
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** The hex SHA-256 of the whole input; null where it was not read to its end. After {@link #close()}. */
  String sha256() {
    return hex;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      long drained = 0;
      int n;
      while (drained <= DRAIN_MAX && (n = read(buffer, 0, buffer.length)) >= 0) {
        drained += n;
      }
      hex = drained <= DRAIN_MAX ? HexFormat.of().formatHex(sha256.digest()) : null;
    } catch (IOException e) {
      hex = null; // a failed read leaves the digest unknown; the import reports its own failure
    } finally {
      sha256.close();
      in.close();
    }
  }
}
