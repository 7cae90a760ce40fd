package io.jimg.btrfs;

import java.io.IOException;
import java.io.OutputStream;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An output stream onto a descriptor it owns (a file, say), buffered in native memory: bytes written are copied
 * once, into that buffer, and reach the kernel a megabyte a call. {@link #transferFrom} takes a file's bytes
 * without them passing through Java at all: a small piece is read straight into the buffer beside the bytes around
 * it, a large one is copied by the kernel (sendfile). Not thread-safe.
 */
public final class DescriptorOutputStream extends OutputStream {
  static final int BUFFER = 1 << 20;
  /** From this length on, a piece goes by sendfile, whose setup then costs less than the copies it saves. */
  static final long SEND_MIN = 64 * 1024;

  private final Fd out;
  private final Pointer buffer = Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), BUFFER, false);
  private int filled;
  private boolean sendfileRefused;
  private boolean closed;

  /** Writes to {@code out}, which it closes when it is closed. */
  public DescriptorOutputStream(Fd out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == BUFFER) {
      drain();
    }
    buffer.putByte(filled++, (byte) b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (filled == BUFFER) {
        drain();
      }
      int n = Math.min(len, BUFFER - filled);
      buffer.put(filled, b, off, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Appends up to {@code length} bytes of {@code source} from {@code offset}; returns how many there were, fewer
   * only where the file ends sooner.
   */
  public long transferFrom(Fd source, long offset, long length) throws IOException {
    long done = 0;
    if (length < SEND_MIN || sendfileRefused) {
      while (done < length) {
        if (filled == BUFFER) {
          drain();
        }
        long n = NativeException.check(Native.libc().pread(source.fd(), buffer.slice(filled),
            Math.min(length - done, BUFFER - filled), offset + done), "pread", source);
        if (n == 0) {
          break;
        }
        filled += (int) n;
        done += n;
      }
      return done;
    }
    drain();
    while (done < length) {
      long n;
      try {
        n = out.sendFrom(source, offset + done, length - done);
      } catch (NativeException e) {
        if (done > 0 || !(e.is(Linux.EINVAL) || e.is(Linux.ENOSYS))) {
          throw e;
        }
        sendfileRefused = true; // an output sendfile cannot write to: the bytes go through the buffer
        return transferFrom(source, offset, length);
      }
      if (n == 0) {
        break;
      }
      done += n;
    }
    return done;
  }

  private void drain() throws NativeException {
    int done = 0;
    while (done < filled) {
      done += (int) NativeException.check(
          Native.libc().write(out.fd(), done == 0 ? buffer : buffer.slice(done), filled - done), "write", out);
    }
    filled = 0;
  }

  @Override
  public void flush() throws IOException {
    drain();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      drain();
    } finally {
      out.close();
    }
  }
}
