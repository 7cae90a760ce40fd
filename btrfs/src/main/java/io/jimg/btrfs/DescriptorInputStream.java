package io.jimg.btrfs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream from a descriptor it owns, read at its position: a pipe or a file a client passed beside a call
 * (SCM_RIGHTS), which has no name to open. Reads go through this thread's native buffer, a megabyte a call at most;
 * callers that read small pieces wrap it in a buffered stream. Not thread-safe.
 */
public final class DescriptorInputStream extends InputStream {
  private final Fd in;
  private final byte[] one = new byte[1];

  /** Reads from {@code in}, which it closes when it is closed. */
  public DescriptorInputStream(Fd in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, len);
    return n == 0 ? -1 : n;
  }

  @Override
  public void close() {
    in.close();
  }
}
