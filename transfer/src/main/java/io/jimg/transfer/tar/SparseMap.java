package io.jimg.transfer.tar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The data regions of one sparse entry, gathered from whichever form the archive gives them in: the old GNU
 * header ('S' and its extension blocks), the PAX keywords of GNU sparse 0.0 and 0.1, or the map GNU sparse 1.0
 * keeps at the start of the data. {@link #applyTo} checks the whole map against the entry before it is used.
 */
final class SparseMap {
  static final int MAX_REGIONS = 1 << 20;

  /** The GNU sparse format named by the PAX keywords ("0", "0.1", "1"); null where they name none. */
  private String version;
  /** The file's name, where GNU sparse 1.0 keeps it apart from the header's. */
  private byte[] name;
  private Long realSize;
  /** A GNU.sparse.offset (0.0) waiting for its GNU.sparse.numbytes. */
  private Long pendingOffset;
  private long expectedRegions = -1;
  private long[] map = new long[16];
  private int count;

  /** Whether PAX keywords made the entry sparse. */
  boolean fromPax() {
    return version != null;
  }

  /** The name GNU sparse 1.0 gives the file, or null. */
  byte[] name() {
    return name;
  }

  /** GNU sparse 1.0: the map is at the start of the data, for {@link #readFromData}. */
  boolean inData() {
    return "1".equals(version);
  }

  private void add(long offset, long length, TarEntry e) throws TarException {
    if (count / 2 >= MAX_REGIONS) {
      throw new TarException("entry '" + e + "' has more than " + MAX_REGIONS + " sparse regions");
    }
    if (count + 2 > map.length) {
      map = Arrays.copyOf(map, map.length * 2);
    }
    map[count++] = offset;
    map[count++] = length;
  }

  /** Takes a GNU.sparse.* PAX keyword; false where {@code key} is none of them. */
  boolean pax(String key, byte[] v, TarEntry e) throws TarException {
    switch (key) {
      case "GNU.sparse.major":
        version = PaxRecords.decimal(v, key, e) + "";
        return true;
      case "GNU.sparse.minor":
        return true;
      case "GNU.sparse.name":
        name = v;
        return true;
      case "GNU.sparse.size": case "GNU.sparse.realsize":
        realSize = PaxRecords.decimal(v, key, e);
        return true;
      case "GNU.sparse.numblocks":
        expectedRegions = PaxRecords.decimal(v, key, e);
        if (version == null) {
          version = "0";
        }
        return true;
      case "GNU.sparse.offset":
        pendingOffset = PaxRecords.decimal(v, key, e);
        return true;
      case "GNU.sparse.numbytes":
        if (pendingOffset == null) {
          throw new TarException("entry '" + e + "': GNU.sparse.numbytes without GNU.sparse.offset");
        }
        add(pendingOffset, PaxRecords.decimal(v, key, e), e);
        pendingOffset = null;
        if (version == null) {
          version = "0";
        }
        return true;
      case "GNU.sparse.map":
        String[] parts = new String(v, StandardCharsets.US_ASCII).split(",", -1);
        if (parts.length % 2 != 0) {
          throw new TarException("entry '" + e + "': GNU.sparse.map has an odd number of values");
        }
        for (int i = 0; i + 1 < parts.length; i += 2) {
          add(PaxRecords.decimal(parts[i].getBytes(StandardCharsets.US_ASCII), key, e),
              PaxRecords.decimal(parts[i + 1].getBytes(StandardCharsets.US_ASCII), key, e), e);
        }
        version = "0.1";
        return true;
      default:
        return false;
    }
  }

  /**
   * The old GNU form: the real size and four regions in the 'S' header, 21 more in each extension block that
   * follows while the previous block says one does; each block read counts against the archive's header limit.
   */
  void readOldGnu(byte[] header, ByteSource in, ArchiveEnd.HeaderCount count, long at, TarEntry e)
      throws IOException {
    realSize = TarHeader.number(header, 483, 12, "realsize", at);
    addOldGnu(header, 386, 4, at, e);
    boolean extended = header[482] != 0;
    byte[] block = new byte[TarHeader.BLOCK];
    while (extended) {
      count.add(TarHeader.BLOCK, at);
      if (in.read(block, 0, TarHeader.BLOCK) < TarHeader.BLOCK) {
        throw new TarException("the archive is truncated in the sparse map of entry '" + e + "'");
      }
      addOldGnu(block, 0, 21, at, e);
      extended = block[504] != 0;
    }
  }

  private void addOldGnu(byte[] block, int start, int slots, long at, TarEntry e) throws TarException {
    for (int i = 0; i < slots; i++) {
      int offset = start + i * 24;
      if (block[offset] == 0 && block[offset + 12] == 0) {
        return;
      }
      add(TarHeader.number(block, offset, 12, "sparse offset", at),
          TarHeader.number(block, offset + 12, 12, "sparse size", at), e);
    }
  }

  /**
   * GNU sparse 1.0: decimal lines at the start of the entry's {@code size} bytes of data, padded to a block.
   * Returns how many of those bytes the map took, padding included.
   */
  long readFromData(ByteSource in, long size, TarEntry e) throws IOException {
    MapLines lines = new MapLines(in, size, e);
    long regionCount = lines.next();
    if (regionCount < 0 || regionCount > MAX_REGIONS) {
      throw new TarException("entry '" + e + "' has a sparse map of " + regionCount + " regions");
    }
    for (long i = 0; i < regionCount; i++) {
      long offset = lines.next();
      add(offset, lines.next(), e);
    }
    long used = size - lines.left;
    long pad = TarHeader.padded(used) - used;
    if (pad > lines.left) {
      throw new TarException("entry '" + e + "': its sparse map is larger than its data");
    }
    in.skip(pad, "sparse map");
    return used + pad;
  }

  /** The numbers of a 1.0 map, one a line, read in place from the source and never past the entry's data. */
  private static final class MapLines {
    private final ByteSource in;
    private final TarEntry e;
    long left;

    MapLines(ByteSource in, long left, TarEntry e) {
      this.in = in;
      this.left = left;
      this.e = e;
    }

    long next() throws IOException {
      long value = 0;
      int digits = 0;
      while (true) {
        if (left == 0 || in.available() == 0) {
          throw new TarException("entry '" + e + "': its sparse map is truncated");
        }
        byte b = in.buffer[in.position++];
        left--;
        if (b == '\n') {
          if (digits == 0) {
            throw new TarException("entry '" + e + "': empty number in its sparse map");
          }
          return value;
        }
        if (b < '0' || b > '9' || ++digits > 18) {
          throw new TarException("entry '" + e + "': bad number in its sparse map");
        }
        value = value * 10 + (b - '0');
      }
    }
  }

  /**
   * Checks the map (regions in order, none overlapping or past the real size, together as large as the data
   * stored, as many as announced) and gives it to {@code e}, whose size is then the stored data's.
   */
  void applyTo(TarEntry e) throws TarException {
    if (pendingOffset != null || (expectedRegions >= 0 && expectedRegions != count / 2)) {
      throw new TarException("entry '" + e + "': its sparse map has " + count / 2
          + " regions but says " + expectedRegions);
    }
    if (realSize == null) {
      throw new TarException("entry '" + e + "' is sparse but gives no real size");
    }
    long end = 0;
    long stored = 0;
    for (int i = 0; i < count; i += 2) {
      long offset = map[i];
      long length = map[i + 1];
      if (offset < end || length < 0 || offset > realSize || length > realSize - offset) {
        throw new TarException("entry '" + e + "': its sparse map has a region at " + offset + " of " + length
            + " bytes that overlaps another or lies past its size " + realSize);
      }
      end = offset + length;
      stored += length;
    }
    if (stored != e.size) {
      throw new TarException("entry '" + e + "': its sparse map holds " + stored + " bytes but the archive "
          + "stores " + e.size);
    }
    e.realSize = realSize;
    e.sparseMap = Arrays.copyOf(map, count);
  }
}
