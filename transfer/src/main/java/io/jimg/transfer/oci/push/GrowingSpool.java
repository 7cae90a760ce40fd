package io.jimg.transfer.oci.push;

import io.jimg.btrfs.Fd;
import io.jimg.transfer.oci.registry.BlobSource;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A spool file readable while the export still writes it: the export writes through {@link #output}, which hands
 * the file each MiB and then says how far it holds, and a reader of {@link #source} waits for bytes not written
 * yet and ends where the export {@link #finish finished}, or fails where it {@link #fail failed}. An upload follows
 * the export this way instead of waiting for it.
 */
final class GrowingSpool {
  /** How much is written between two announcements: the reader's step, and its lag behind the writer. */
  static final int STEP = 1 << 20;
  private final Fd file;
  private long written;
  private boolean finished;
  private IOException failure;

  GrowingSpool(Fd file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /** {@code out}, which writes the spool file, telling readers each {@link #STEP} it has flushed. */
  OutputStream output(OutputStream out) {
    return new FilterOutputStream(out) {
      private long count;
      private long unannounced;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        count += length;
        unannounced += length;
        if (unannounced >= STEP) {
          out.flush();
          unannounced = 0;
          wrote(count);
        }
      }
    };
  }

  private synchronized void wrote(long total) {
    written = total;
    notifyAll();
  }

  /** The export is done, its last bytes flushed: the file is {@code size} bytes long. */
  synchronized void finish(long size) {
    written = size;
    finished = true;
    notifyAll();
  }

  /** The export stopped: readers fail with {@code cause}. */
  synchronized void fail(Throwable cause) {
    failure = new IOException("the layer's export stopped: " + cause.getMessage(), cause);
    notifyAll();
  }

  /** The file's size once the export finished; -1 before. */
  synchronized long size() {
    return finished ? written : -1;
  }

  /** How far the file is written beyond {@code position}, waiting for it; -1 at the end of a finished spool. */
  private synchronized long writtenBeyond(long position) throws IOException {
    while (position >= written && !finished && failure == null) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the layer's export");
      }
    }
    if (failure != null) {
      throw failure;
    }
    return position >= written ? -1 : written;
  }

  /** The spool from any offset, each read waiting until the export has written there. */
  BlobSource source() {
    return BlobSource.of(file, this::writtenBeyond);
  }
}
