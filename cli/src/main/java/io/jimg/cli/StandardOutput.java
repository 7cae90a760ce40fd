package io.jimg.cli;

import io.jimg.images.IoFailures;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output for an export, which notes when its reader has gone: the JVM ignores SIGPIPE, so a write to a
 * closed pipe fails with EPIPE, however the exporter then wraps that failure. A command whose reader left
 * ({@code export-tar deb - | head -c 100}) ends quietly with 141 (128 + SIGPIPE), as other Unix tools do.
 */
final class StandardOutput extends OutputStream {
  /** The exit status of a process killed by SIGPIPE, which a shell shows for every tool in such a pipeline. */
  static final int CLOSED_PIPE = 128 + 13;

  private final OutputStream out;
  private volatile boolean readerGone;

  StandardOutput(OutputStream out) {
    this.out = out;
  }

  /** Whether a write failed because nothing reads the other end any more. */
  boolean readerGone() {
    return readerGone;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw noted(e);
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    try {
      out.write(bytes, offset, length);
    } catch (IOException e) {
      throw noted(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw noted(e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private IOException noted(IOException failure) {
    if ("EPIPE".equals(IoFailures.errnoName(failure))) {
      readerGone = true;
    }
    return failure;
  }
}
