package io.jimg.transfer.raw;

import io.jimg.btrfs.Fd;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Converts a qcow2 image (versions 2 and 3) to raw bytes, cluster by cluster, keeping unallocated and zero
 * clusters as holes. Images that would make jimg read other files (a backing file, an external data file) or
 * that it cannot read faithfully (encryption, extended L2 entries, zstd clusters, a corrupt flag) are refused.
 */
final class Qcow2 {
  static final int MAGIC = 0x514649fb;
  /** The header's bytes jimg reads (version 3's, of which version 2 uses the first 72). */
  static final int HEADER = 112;
  /** The largest L1 table qemu makes or reads: 32 MiB. */
  private static final int MAX_L1_ENTRIES = (32 << 20) / 8;
  private static final long OFFSET_MASK = 0x00fffffffffffe00L;
  private static final long COMPRESSED = 1L << 62;
  private static final long ZERO = 1L;
  /** Incompatible features jimg reads: only "dirty" (refcounts may be stale, data is whole). */
  private static final long KNOWN_INCOMPATIBLE = 1L;

  private Qcow2() {}

  static boolean matches(byte[] head, int length) {
    return length >= 4 && ByteBuffer.wrap(head).getInt(0) == MAGIC;
  }

  /** The size of the guest's disk that a header (its first {@link #HEADER} bytes) gives. */
  static long virtualSize(byte[] header, int length, String source) throws JimgException {
    if (length < HEADER) {
      throw refuse(source, "it is truncated in its header");
    }
    long size = ByteBuffer.wrap(header).getLong(24);
    if (size < 0) {
      throw refuse(source, "its size " + size + " is negative");
    }
    return size;
  }

  /** Writes the guest's bytes into {@code out}; returns the virtual size. */
  static long convert(Fd in, SparseFileWriter out, String source) throws IOException {
    ByteBuffer h = read(in, 0, HEADER, source);
    int version = h.getInt(4);
    if (h.getInt(0) != MAGIC || (version != 2 && version != 3)) {
      throw refuse(source, "it is no qcow2 image of version 2 or 3");
    }
    if (h.getLong(8) != 0) {
      throw refuse(source, "it names a backing file, which would make jimg read a file of the host");
    }
    int clusterBits = h.getInt(20);
    if (clusterBits < 9 || clusterBits > 21) {
      throw refuse(source, "its cluster size 2^" + clusterBits + " is out of range");
    }
    long size = h.getLong(24);
    if (h.getInt(32) != 0) {
      throw refuse(source, "it is encrypted");
    }
    int l1Size = h.getInt(36);
    long l1Offset = h.getLong(40);
    if (l1Size < 0 || l1Size > MAX_L1_ENTRIES) {
      throw refuse(source, "its L1 table of " + l1Size + " entries is larger than the 32 MiB qemu allows");
    }
    if (version == 3) {
      long incompatible = h.getLong(72);
      if ((incompatible & 4) != 0) {
        throw refuse(source, "it has an external data file, which would make jimg read a file of the host");
      }
      if ((incompatible & 2) != 0) {
        throw refuse(source, "it is marked corrupt");
      }
      if ((incompatible & ~KNOWN_INCOMPATIBLE) != 0) {
        throw refuse(source, "it uses incompatible features jimg cannot read (0x"
            + Long.toHexString(incompatible) + ")");
      }
    }
    long clusterSize = 1L << clusterBits;
    long l2Entries = clusterSize / 8;
    long needed = (size + clusterSize * l2Entries - 1) / (clusterSize * l2Entries);
    if (size < 0 || l1Size < needed || l1Size > needed + 1) {
      throw refuse(source, "its L1 table of " + l1Size + " entries does not fit its size " + size);
    }
    int cluster = (int) clusterSize;
    byte[] data = new byte[cluster];
    byte[] compressed = new byte[cluster * 2 + 512];
    ByteBuffer l1 = read(in, l1Offset, l1Size * 8, source);
    for (int i = 0; i < needed; i++) {
      long l2Offset = l1.getLong(i * 8) & OFFSET_MASK;
      if (l2Offset == 0) {
        continue;
      }
      ByteBuffer l2 = read(in, l2Offset, cluster, source);
      for (int j = 0; j < l2Entries; j++) {
        long guest = ((long) i * l2Entries + j) * clusterSize;
        if (guest >= size) {
          break;
        }
        long entry = l2.getLong(j * 8);
        int length = (int) Math.min(clusterSize, size - guest);
        if ((entry & COMPRESSED) != 0) {
          int x = 62 - (clusterBits - 8);
          long hostOffset = entry & ((1L << x) - 1);
          int sectors = (int) ((entry >>> x) & ((1L << (clusterBits - 8)) - 1)) + 1;
          int compressedLength = (int) Math.min(sectors * 512L - (hostOffset & 511), compressed.length);
          int packed = readFully(in, compressed, compressedLength, hostOffset, source, true);
          inflate(compressed, packed, data, cluster, source);
          out.write(data, 0, length, guest);
        } else if (version == 3 && (entry & ZERO) != 0) {
          continue;
        } else {
          long hostOffset = entry & OFFSET_MASK;
          if (hostOffset == 0) {
            continue;
          }
          readFully(in, data, length, hostOffset, source, false);
          out.write(data, 0, length, guest);
        }
      }
    }
    out.finish(size);
    return size;
  }

  private static void inflate(byte[] input, int length, byte[] output, int cluster, String source)
      throws JimgException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(input, 0, length);
      int done = 0;
      while (done < cluster && !inflater.finished()) {
        int n = inflater.inflate(output, done, cluster - done);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        done += n;
      }
      if (done != cluster) {
        throw refuse(source, "a compressed cluster inflates to " + done + " bytes instead of " + cluster);
      }
    } catch (DataFormatException e) {
      throw refuse(source, "a compressed cluster is damaged: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static ByteBuffer read(Fd in, long offset, int length, String source) throws IOException {
    byte[] bytes = new byte[length];
    readFully(in, bytes, length, offset, source, false);
    return ByteBuffer.wrap(bytes);
  }

  /** Reads {@code length} bytes at {@code offset}; returns how many, fewer only where {@code mayEndEarly}. */
  private static int readFully(Fd in, byte[] into, int length, long offset, String source, boolean mayEndEarly)
      throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.pread(into, done, length - done, offset + done);
      if (n == 0) {
        if (mayEndEarly && done > 0) {
          return done; // a compressed cluster may end before its last sector does, at the end of the file
        }
        throw refuse(source, "it is truncated: a table or cluster lies past its end");
      }
      done += n;
    }
    return done;
  }

  private static JimgException refuse(String source, String why) {
    return new JimgException(Reason.FAILED, "cannot convert the qcow2 image " + source + ": " + why);
  }
}
