package io.jimg.transfer.oci.registry;

import io.jimg.btrfs.Fd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The bytes of a blob to upload, readable from any offset: a failed chunked upload resumes where the registry
 * says it stopped, and a request answered with a 401 is sent again from its start.
 */
@FunctionalInterface
public interface BlobSource {
  /** A stream of the blob's bytes from {@code offset}; the caller closes it. */
  InputStream openAt(long offset) throws IOException;

  static BlobSource of(byte[] bytes) {
    return offset -> new ByteArrayInputStream(bytes, (int) Math.min(offset, bytes.length),
        bytes.length - (int) Math.min(offset, bytes.length));
  }

  /**
   * A file read through its descriptor, which stays open as long as the source is used and is closed by its owner:
   * each stream reads with pread from its own position, so that a resumed upload opens nothing and no name.
   */
  static BlobSource of(Fd file) {
    return of(file, position -> Long.MAX_VALUE);
  }

  /**
   * A file read as {@link #of(Fd)} reads it, each read no further than {@code extent} says the file is written
   * (a file still being written, whose reader waits for it).
   */
  static BlobSource of(Fd file, Extent extent) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(extent, "extent");
    return offset -> new InputStream() {
      private long position = offset;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int off, int length) throws IOException {
        Objects.checkFromIndexSize(off, length, buffer.length);
        if (length == 0) {
          return 0;
        }
        long end = extent.end(position);
        if (end < 0) {
          return -1;
        }
        int n = file.pread(buffer, off, (int) Math.min(length, end - position), position);
        position += n;
        return n == 0 ? -1 : n;
      }
    };
  }

  /** How far a file is written. */
  @FunctionalInterface
  interface Extent {
    /** Where the written part ends, beyond {@code position} (waiting for it where need be); -1 at the end. */
    long end(long position) throws IOException;
  }
}
