package io.jimg.transfer;

import io.jimg.transfer.http.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;

/**
 * A stream an import reads (standard input, a pipe, an OCI layer's uncompressed tar) that hashes what passes
 * through it, in the reading thread, with libcrypto where it loads: the SHA-256 of the input costs no second pass. The digest is known only where the importer read the input to its
 * end, as the tar and raw importers do: it is then the digest of the whole input, as {@code sha256sum} gives it.
 *
 * <p>An importer reads on a thread of its own and may close the stream from another to stop it (a cancel). The
 * native digest is touched under a lock and never after {@link #release()}, so that no thread updates it once
 * freed.
 */
public final class HashingInputStream extends FilterInputStream {
  private final Sha256 sha256 = Sha256.create();
  private volatile boolean ended;
  private boolean released;

  public HashingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    int n = in.read(bytes, offset, length);
    if (n < 0) {
      ended = true;
    } else if (n > 0) {
      synchronized (sha256) {
        if (!released) {
          sha256.update(bytes, offset, n);
        }
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    int length = (int) Math.min(n, 64 * 1024);
    return Math.max(0, read(new byte[length], 0, length)); // skipped bytes are hashed too
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /**
   * The hex SHA-256 of the whole input, null where it was not read to its end; for the thread that ran the import,
   * once it has ended. Frees the digest.
   */
  public String sha256() {
    synchronized (sha256) {
      String hex = ended && !released ? HexFormat.of().formatHex(sha256.digest()) : null;
      release();
      return hex;
    }
  }

  /** Frees the native digest; any later read hashes nothing. */
  public void release() {
    synchronized (sha256) {
      if (!released) {
        released = true;
        sha256.close();
      }
    }
  }
}
