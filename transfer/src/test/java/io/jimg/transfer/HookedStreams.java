package io.jimg.transfer;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;

/**
 * Streams that tell a test when an operation has read or written so many bytes, on the operation's own thread
 * (a decoder's, a writer's): the moment a test stops it at, with no sleep.
 */
public final class HookedStreams {
  private HookedStreams() {}

  /** {@code in}, running {@code moment} once, on the reading thread, when more than {@code at} bytes were read. */
  public static InputStream pausing(InputStream in, long at, Runnable moment) {
    return new Hooked(in, at, moment, false);
  }

  /**
   * {@code in} up to {@code at} bytes, then {@code moment}, then a stall: the next read waits, as for a source
   * that sends no more, until the stream is closed or the reading thread interrupted.
   */
  public static InputStream stalling(InputStream in, long at, Runnable moment) {
    return new Hooked(in, at, moment, true);
  }

  /** {@code out}, running {@code moment} once, on the writing thread, when more than {@code at} bytes were written. */
  public static OutputStream pausing(OutputStream out, long at, Runnable moment) {
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (written <= at && written + len > at) {
          moment.run();
        }
        written += len;
      }
    };
  }

  private static final class Hooked extends FilterInputStream {
    private final long at;
    private final Runnable moment;
    private final boolean stall;
    private final CountDownLatch closed = new CountDownLatch(1);
    private long read;
    private boolean reached;

    Hooked(InputStream in, long at, Runnable moment, boolean stall) {
      super(in);
      this.at = at;
      this.moment = moment;
      this.stall = stall;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (stall && read >= at) {
        reach();
        try {
          closed.await();
        } catch (InterruptedException e) {
          throw new InterruptedIOException("the stalled read was interrupted");
        }
        throw new IOException("the stalled stream was closed");
      }
      int n = super.read(b, off, stall ? (int) Math.min(len, at - read) : len);
      if (n > 0) {
        read += n;
        if (read > at) {
          reach();
        }
      }
      return n;
    }

    private void reach() {
      if (!reached) {
        reached = true;
        moment.run();
      }
    }

    @Override
    public void close() throws IOException {
      closed.countDown();
      super.close();
    }
  }
}
