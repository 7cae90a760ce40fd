package io.jimg.transfer;

import io.jimg.transfer.http.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream that hashes and counts what passes through it to {@code out}, with libcrypto where it loads: a push
 * hashes its layer twice (the tar for the diff id, the compressed bytes for the blob's digest), 300 MB for a
 * Debian root, which the JDK's SHA-256 as bin/jimg compiles it takes 4 s to do. The digest is the caller's, who
 * closes it; one thread writes.
 */
public final class HashingOutputStream extends FilterOutputStream {
  private final Sha256 sha256;
  private long count;

  public HashingOutputStream(OutputStream out, Sha256 sha256) {
    super(out);
    this.sha256 = sha256;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    sha256.update(bytes, offset, length);
    out.write(bytes, offset, length);
    count += length;
  }

  /** The bytes written so far. */
  public long count() {
    return count;
  }
}
