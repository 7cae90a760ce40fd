package io.jimg.transfer.raw;

import io.jimg.btrfs.Fd;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes into a new, empty file and skips every block of zeros, so that they stay holes: a skipped range of a
 * fresh file reads back as zeros and takes no space. Blocks are aligned to the file offset, so a skipped block is
 * a whole filesystem block. What it does write it first charges to the import's {@link WriteBudget}, and every
 * write, of zeros too, passes the budget's checkpoint, so that a cancelled import stops within one buffer.
 */
public final class SparseFileWriter {
  public static final int BLOCK = 4096;
  private static final byte[] ZEROS = new byte[BLOCK];

  private final Fd file;
  private final WriteBudget budget;
  private long end;
  private long written;

  /** Writes into {@code file}, which stays open and owned by the caller, charging {@code budget}. */
  public SparseFileWriter(Fd file, WriteBudget budget) {
    this.file = file;
    this.budget = budget;
  }

  /** Writes {@code length} bytes at {@code position}, leaving out the all-zero blocks. */
  public void write(byte[] buffer, int offset, int length, long position) throws IOException {
    budget.checkpoint();
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
    budget.charge(length);
    file.pwriteFully(buffer, offset, length, position);
    end = Math.max(end, position + length);
    written += length;
  }

  /** Gives the file its length, which the skipped zeros at its end did not. */
  public void finish(long size) throws IOException {
    if (end != size) {
      file.truncate(size);
    }
  }

  /** Bytes actually written (the data, not the holes). */
  public long written() {
    return written;
  }
}
