package io.jimg.transfer.raw;

import io.jimg.btrfs.Fd;
import io.jimg.images.Cancellation;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.transfer.ExportOptions;
import io.jimg.transfer.compress.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes a raw image to a stream, compressed as asked. Holes are read as zeros without touching the disk (found
 * with SEEK_DATA and SEEK_HOLE); a compressor makes them small, and an uncompressed stream carries them in full.
 */
public final class RawExport {
  private static final int BUFFER = 1 << 20;

  private final Compression compression;
  private final int threads;
  private final StoreListener listener;
  private final Cancellation cancellation;

  private RawExport(Compression compression, int threads, StoreListener listener, Cancellation cancellation) {
    this.compression = compression;
    this.threads = threads;
    this.listener = listener;
    this.cancellation = cancellation;
  }

  /**
   * A raw export compressed as {@code compression}, with the {@link ExportOptions}: the cancellation is checked
   * before every buffer (1 MiB) of data or zeros, and by the compressor's workers, so that a cancel is noticed within
   * one; the export then fails with {@link io.jimg.images.JimgException.Reason#CANCELLED} once its threads have ended.
   */
  public static RawExport of(Compression compression, ExportOptions options) {
    return new RawExport(Objects.requireNonNull(compression, "compression"), options.threads(), options.listener(),
        options.cancellation());
  }

  /** Writes the file {@code image} to {@code out}; closes {@code out}. */
  public long write(Fd image, OutputStream out) throws IOException {
    byte[] buffer = new byte[BUFFER];
    // The channel is the image's own open descriptor, through its /proc link: no name is resolved again.
    try (OutputStream encoded = compression.encoder(out, threads, cancellation);
        FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + image.fd()), StandardOpenOption.READ)) {
      long size = channel.size();
      long position = 0;
      long[] regions = image.dataRegions(size);
      for (int i = 0; i < regions.length; i += 2) {
        long data = regions[i];
        long hole = data + regions[i + 1];
        writeZeros(encoded, buffer, data - position);
        for (long at = data; at < hole; ) {
          cancellation.check();
          int n = channel.read(ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, hole - at)), at);
          if (n <= 0) {
            throw new IOException("read " + image.path() + ": the image shrank while it was read");
          }
          encoded.write(buffer, 0, n);
          at += n;
        }
        position = hole;
        listener.progress(new Progress("export-raw", position, size, 0));
      }
      if (position < size) {
        writeZeros(encoded, buffer, size - position);
        listener.progress(new Progress("export-raw", size, size, 0));
      }
      return size;
    }
  }

  private void writeZeros(OutputStream out, byte[] buffer, long length) throws IOException {
    Arrays.fill(buffer, (byte) 0);
    while (length > 0) {
      cancellation.check();
      int n = (int) Math.min(buffer.length, length);
      out.write(buffer, 0, n);
      length -= n;
    }
  }
}
