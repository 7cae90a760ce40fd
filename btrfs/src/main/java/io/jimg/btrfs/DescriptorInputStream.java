package io.jimg.btrfs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream from a descriptor it owns, read at its position: a pipe or a file a client passed beside a call
 * (SCM_RIGHTS), which has no name to open. Reads go through this thread's native buffer, a megabyte a call at most;
 * callers that read small pieces wrap it in a buffered stream. {@link #stop()}, from any thread, ends a read that
 * waits for a writer who sends nothing more: closing the descriptor would not wake it, and could hand its number to
 * another file while the read still used it. Not otherwise thread-safe.
 */
public final class DescriptorInputStream extends InputStream {
  /** How long a read waits for data before it looks whether it was stopped. */
  private static final int STOP_CHECK_MILLIS = 200;

  private final Fd in;
  private final byte[] one = new byte[1];
  private volatile boolean stopped;

  /** Reads from {@code in}, which it closes when it is closed. */
  public DescriptorInputStream(Fd in) {
    this.in = in;
  }

  /** Makes the read in progress, and every later one, fail; the owner still closes the stream. */
  public void stop() {
    stopped = true;
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
    while (Polling.await(in, Polling.POLLIN, STOP_CHECK_MILLIS) == 0) {
      if (stopped) {
        break;
      }
    }
    if (stopped) {
      throw new InterruptedIOException("reading " + in.path() + " was stopped");
    }
    int n = in.read(b, off, len);
    return n == 0 ? -1 : n;
  }

  @Override
  public void close() {
    in.close();
  }
}
