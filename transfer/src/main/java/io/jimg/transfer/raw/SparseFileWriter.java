package io.jimg.transfer.raw;

import io.jimg.btrfs.Fd;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes into a new, empty file and skips every block of zeros, so that they stay holes: a skipped range of a
 * fresh file reads back as zeros and takes no space. Blocks are aligned to the file offset, so a skipped block is
 * a whole filesystem block.
 */
public final class SparseFileWriter implements Closeable {
  public static final int BLOCK = 4096;
  private static final byte[] ZEROS = new byte[BLOCK];

  private final Fd file;
  private final FileChannel channel;
  private long end;
  private long written;

  /**
   * Writes through the file's /proc link (the JDK then copies only the bytes written into native memory, where a
   * byte-array binding would copy the whole buffer); {@code file} stays open and owned by the caller.
   */
  public SparseFileWriter(Fd file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(Path.of("/proc/self/fd/" + file.fd()), StandardOpenOption.WRITE);
  }

  /** Writes {@code length} bytes at {@code position}, leaving out the all-zero blocks. */
  public void write(byte[] buffer, int offset, int length, long position) throws IOException {
    int stop = offset + length;
    int runStart = -1;
    int i = offset;
    while (i < stop) {
      int blockEnd = (int) Math.min(stop, i + (BLOCK - ((position + (i - offset)) % BLOCK)));
      boolean zero = Arrays.mismatch(buffer, i, blockEnd, ZEROS, 0, blockEnd - i) < 0;
      if (zero && runStart >= 0) {
        writeFully(buffer, runStart, i - runStart, position + (runStart - offset));
        runStart = -1;
      } else if (!zero && runStart < 0) {
        runStart = i;
      }
      i = blockEnd;
    }
    if (runStart >= 0) {
      writeFully(buffer, runStart, stop - runStart, position + (runStart - offset));
    }
  }

  private void writeFully(byte[] buffer, int offset, int length, long position) throws IOException {
    ByteBuffer data = ByteBuffer.wrap(buffer, offset, length);
    long at = position;
    try {
      while (data.hasRemaining()) {
        at += channel.write(data, at);
      }
    } catch (IOException e) {
      // The JDK's message is the bare errno text; say which file, as NativeException would.
      throw new IOException("pwrite " + file.path() + ": " + e.getMessage(), e);
    }
    end = Math.max(end, at);
    written += length;
  }

  /** Gives the file its length, which the skipped zeros at its end did not. */
  public void finish(long size) throws IOException {
    if (end != size) {
      file.truncate(size);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Bytes actually written (the data, not the holes). */
  public long written() {
    return written;
  }
}
