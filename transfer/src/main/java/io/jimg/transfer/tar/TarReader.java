package io.jimg.transfer.tar;

import io.jimg.btrfs.FileNames;
import io.jimg.transfer.tar.PaxRecords.Record;
import io.jimg.transfer.tar.TarEntry.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads tar headers itself, keeping names, link targets and PAX values as bytes: ustar, GNU long names and links
 * (L, K), old GNU sparse (S), PAX extended and global headers with SCHILY xattrs and ACLs, GNU sparse 0.0, 0.1 and
 * 1.0, base-256 numbers and nanosecond times. The archive ends at its first zero block, as in GNU tar and every
 * other reader ({@link ArchiveEnd}); with {@code ignoreZeros}, concatenated archives are read whole, as GNU tar's
 * {@code --ignore-zeros} reads them. What headers may hold is bounded:
 * 1 MiB of extended headers for one entry, 64 global keywords in 64 KiB, and {@link TarLimits#headerBytes} for
 * every header of the archive together, end blocks included.
 */
final class TarReader {
  static final int BLOCK = 512;
  /** The largest PAX or long-name header jimg accepts, and the most such headers may hold for one entry. */
  static final int MAX_METADATA = 1 << 20;
  static final int MAX_SPARSE_REGIONS = 1 << 20;
  /** Global PAX records apply to every later entry: few and small, or each entry pays for them all. */
  static final int MAX_GLOBAL_RECORDS = 64;
  static final int MAX_GLOBAL_BYTES = 64 << 10;

  private final ByteSource in;
  private final long headerBytesMax;
  private final boolean ignoreZeros;
  private final Consumer<String> warnings;
  private final byte[] header = new byte[BLOCK];
  private final Map<String, byte[]> globals = new LinkedHashMap<>();
  private int globalBytes;
  /** Bytes of every header read so far, extended ones and end blocks included. */
  private long headerBytes;
  /** Bytes of the extended headers read for the entry to come. */
  private long entryMetadata;
  private TarEntry current;
  /** Data regions of the current entry still to read: (offset, length) pairs. */
  private long[] regions = new long[0];
  private int nextRegion;
  private long remaining;
  private long padding;
  /** The last entry read, for messages; null at the start. */
  private TarEntry previous;

  /**
   * {@code ignoreZeros} reads on past zero blocks, as GNU tar's {@code --ignore-zeros} does, for concatenated
   * archives; {@code warnings} hears what is read but worth knowing.
   */
  TarReader(ByteSource in, long headerBytesMax, boolean ignoreZeros, Consumer<String> warnings) {
    this.in = in;
    this.headerBytesMax = headerBytesMax;
    this.ignoreZeros = ignoreZeros;
    this.warnings = warnings;
  }

  private String previous() {
    return previous == null ? "the start of the archive" : "entry '" + previous + "'";
  }

  /** Bytes of (decoded) archive read so far. */
  long offset() {
    return in.offset();
  }

  /** The next entry, or null after the end of the archive. Skips what remains of the previous entry's data. */
  TarEntry next() throws IOException {
    if (current != null) {
      skipData();
    }
    byte[] longName = null;
    byte[] longLink = null;
    List<Record> pax = List.of();
    boolean extended = false;
    boolean sawZeroBlock = false;
    long firstHeader = -1;
    entryMetadata = 0;
    while (true) {
      long at = in.offset();
      countHeader(BLOCK, at);
      int n = in.read(header, 0, BLOCK);
      if (n == 0 && !extended) {
        if (sawZeroBlock) {
          return null;
        }
        if (previous == null) {
          throw new TarException("the archive is empty: it has no tar header");
        }
        // Some writers omit the end blocks; GNU tar, bsdtar and Go read such an archive, and so does jimg where it
        // ends exactly after an entry's data. A cut inside an entry stays an error, and a compressed stream has
        // already proved its own end to its decoder.
        warnings.accept("the archive ends after " + previous() + " without the end-of-archive blocks; "
            + "read as complete");
        return null;
      }
      if (n < BLOCK) {
        if (sawZeroBlock) {
          return null; // a stray partial block after the end (--ignore-zeros): no header can hide in it
        }
        throw new TarException("the archive is truncated in a header at byte " + at + " after " + previous());
      }
      if (isZero(header)) {
        if (extended) {
          throw new TarException("a zero block at byte " + at + " follows an extended header after " + previous());
        }
        if (!ignoreZeros) {
          ArchiveEnd.readTrailing(in, this::countHeader, warnings);
          return null;
        }
        sawZeroBlock = true;
        continue;
      }
      if (!checksumMatches(header)) {
        throw new TarException(sawZeroBlock
            ? "garbage at byte " + at + " after the end of the archive (no valid tar header)"
            : "bad header checksum at byte " + at + " after " + previous());
      }
      sawZeroBlock = false;
      if (firstHeader < 0) {
        firstHeader = at;
      }
      byte type = header[156];
      switch (type) {
        case 'x':
          extended = true;
          // Only the last extended header before an entry applies, as in GNU tar and Go: merging them would
          // give the entry a name no other reader gives it.
          pax = PaxRecords.parse(readMetadata(at, "PAX extended header"), at, this::previous);
          continue;
        case 'g':
          for (Record record : PaxRecords.parse(readMetadata(at, "PAX global header"), at, this::previous)) {
            setGlobal(record, at);
          }
          continue;
        case 'L':
          extended = true;
          longName = cutAtNul(readMetadata(at, "GNU long name"));
          continue;
        case 'K':
          extended = true;
          longLink = cutAtNul(readMetadata(at, "GNU long link name"));
          continue;
        case 'V':
          if (extended) {
            throw new TarException("a volume label at byte " + at + " follows an extended header");
          }
          long label = padded(number(124, 12, "size", at));
          countHeader(label, at);
          in.skip(label, "truncated volume label");
          continue;
        default:
          break;
      }
      current = entry(type, at, firstHeader, longName, longLink, pax);
      previous = current;
      return current;
    }
  }

  private TarEntry entry(byte type, long at, long firstHeader, byte[] longName, byte[] longLink, List<Record> pax)
      throws IOException {
    TarEntry e = new TarEntry();
    e.headerOffset = firstHeader;
    boolean ustar = matches(257, "ustar\0");
    byte[] name = field(0, 100);
    if (ustar) {
      byte[] prefix = field(345, 155);
      if (prefix.length > 0) {
        byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
        joined[prefix.length] = '/';
        System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
        name = joined;
      }
    }
    e.path = longName != null ? longName : name;
    e.linkPath = longLink != null ? longLink : field(157, 100);
    TarEntry shown = e; // named in messages by its path at the time
    e.mode = (int) (number(100, 8, "mode", at) & 07777);
    e.uid = number(108, 8, "uid", at);
    e.gid = number(116, 8, "gid", at);
    e.size = number(124, 12, "size", at);
    e.mtimeSeconds = signedNumber(136, 12, "mtime", at);
    e.deviceMajor = number(329, 8, "devmajor", at);
    e.deviceMinor = number(337, 8, "devminor", at);

    Sparse sparse = new Sparse();
    if (type == 'S') {
      readOldGnuSparse(sparse, at, shown);
    }
    List<Record> records = new ArrayList<>(globals.size() + pax.size());
    globals.forEach((key, value) -> records.add(new Record(key, value)));
    records.addAll(pax);
    Long paxSize = null;
    for (Record r : records) {
      paxSize = apply(e, r, sparse, paxSize, shown);
    }
    if (paxSize != null) {
      e.size = paxSize; // POSIX: a PAX size overrides the header's, as GNU tar, bsdtar and Go read it
    }
    if (sparse.name != null) {
      e.path = sparse.name;
    }
    e.kind = kind(type, e, shown, at);
    if (e.kind == Kind.HARDLINK) {
      // POSIX.1-1988 tells readers to ignore a hard link's size; GNU tar, bsdtar and Python do, in PAX archives
      // too (GNU tar 1.34 reads the next header right after one with a PAX size). Taking the size as data would
      // swallow the entries that follow, which every other reader lists.
      e.size = 0;
    }
    if (e.kind == Kind.DIRECTORY && type != 'D') {
      // GNU tar, bsdtar, Go and Python read a directory's size as zero and the next header right after it, even
      // where data blocks follow: those are read as headers, as 'tar t' lists them. Only a GNU dumpdir ('D')
      // carries data, which is skipped.
      e.size = 0;
    }
    e.realSize = e.size;
    remaining = e.size;
    padding = padded(e.size) - e.size;
    regions = new long[] {0, e.size};
    nextRegion = 0;
    current = e;
    if (e.kind == Kind.FILE && (type == 'S' || sparse.version != null)) {
      if ("1".equals(sparse.version)) {
        readSparseMapFromData(sparse, shown);
      }
      applySparse(e, sparse, shown);
    } else if (sparse.version != null || type == 'S') {
      throw new TarException("entry '" + shown + "' has a sparse map but is no regular file");
    }
    checkSize(e, type, shown);
    return e;
  }

  private Kind kind(byte type, TarEntry e, TarEntry shown, long at) throws TarException {
    switch (type) {
      case '0': case 0: case '7':
        return e.path.length > 0 && e.path[e.path.length - 1] == '/' && type != '7' ? Kind.DIRECTORY : Kind.FILE;
      case 'S':
        return Kind.FILE;
      case '1':
        return Kind.HARDLINK;
      case '2':
        return Kind.SYMLINK;
      case '3':
        return Kind.CHARACTER_DEVICE;
      case '4':
        return Kind.BLOCK_DEVICE;
      case '5': case 'D':
        return Kind.DIRECTORY;
      case '6':
        return Kind.FIFO;
      default:
        throw new TarException("entry '" + shown + "' at byte " + at + " has an unknown type '"
            + (type >= 32 && type < 127 ? String.valueOf((char) type) : String.format("\\x%02x", type & 0xff)) + "'");
    }
  }

  private void checkSize(TarEntry e, byte type, TarEntry shown) throws TarException {
    boolean mayHaveData = e.kind == Kind.FILE || type == 'D';
    if (!mayHaveData && e.size != 0) {
      throw new TarException("entry '" + shown + "' is a " + e.kind.name().toLowerCase().replace('_', ' ')
          + " but says it has " + e.size + " bytes of data");
    }
  }

  // ---- PAX ----

  private Long apply(TarEntry e, Record r, Sparse sparse, Long paxSize, TarEntry shown) throws TarException {
    String key = r.key();
    byte[] v = r.value();
    switch (key) {
      case "path":
        e.path = v;
        return paxSize;
      case "linkpath":
        e.linkPath = v;
        return paxSize;
      case "size":
        return PaxRecords.decimal(v, key, shown);
      case "uid":
        e.uid = PaxRecords.decimal(v, key, shown);
        return paxSize;
      case "gid":
        e.gid = PaxRecords.decimal(v, key, shown);
        return paxSize;
      case "mtime": {
        long[] t = PaxRecords.time(v, key, shown);
        e.mtimeSeconds = t[0];
        e.mtimeNanos = (int) t[1];
        return paxSize;
      }
      case "atime": {
        long[] t = PaxRecords.time(v, key, shown);
        e.atimeSeconds = t[0];
        e.atimeNanos = (int) t[1];
        return paxSize;
      }
      case "SCHILY.devmajor":
        e.deviceMajor = PaxRecords.decimal(v, key, shown);
        return paxSize;
      case "SCHILY.devminor":
        e.deviceMinor = PaxRecords.decimal(v, key, shown);
        return paxSize;
      case "SCHILY.acl.access":
        e.aclAccess = new String(v, StandardCharsets.UTF_8);
        return paxSize;
      case "SCHILY.acl.default":
        e.aclDefault = new String(v, StandardCharsets.UTF_8);
        return paxSize;
      case "GNU.sparse.major":
        sparse.major = PaxRecords.decimal(v, key, shown);
        sparse.version = sparse.major + "";
        return paxSize;
      case "GNU.sparse.minor":
        return paxSize;
      case "GNU.sparse.name":
        sparse.name = v;
        return paxSize;
      case "GNU.sparse.size": case "GNU.sparse.realsize":
        sparse.realSize = PaxRecords.decimal(v, key, shown);
        return paxSize;
      case "GNU.sparse.numblocks":
        sparse.expectedRegions = PaxRecords.decimal(v, key, shown);
        if (sparse.version == null) {
          sparse.version = "0";
        }
        return paxSize;
      case "GNU.sparse.offset":
        sparse.pendingOffset = PaxRecords.decimal(v, key, shown);
        return paxSize;
      case "GNU.sparse.numbytes":
        if (sparse.pendingOffset == null) {
          throw new TarException("entry '" + shown + "': GNU.sparse.numbytes without GNU.sparse.offset");
        }
        sparse.add(sparse.pendingOffset, PaxRecords.decimal(v, key, shown), shown);
        sparse.pendingOffset = null;
        if (sparse.version == null) {
          sparse.version = "0";
        }
        return paxSize;
      case "GNU.sparse.map": {
        String[] parts = new String(v, StandardCharsets.US_ASCII).split(",", -1);
        if (parts.length % 2 != 0) {
          throw new TarException("entry '" + shown + "': GNU.sparse.map has an odd number of values");
        }
        for (int i = 0; i + 1 < parts.length; i += 2) {
          sparse.add(PaxRecords.decimal(parts[i].getBytes(StandardCharsets.US_ASCII), key, shown),
              PaxRecords.decimal(parts[i + 1].getBytes(StandardCharsets.US_ASCII), key, shown), shown);
        }
        sparse.version = "0.1";
        return paxSize;
      }
      default:
        break;
    }
    if (key.startsWith("SCHILY.xattr.")) {
      e.xattrs.put(key.substring("SCHILY.xattr.".length()), v);
    } else if (key.startsWith("LIBARCHIVE.xattr.")) {
      try {
        e.xattrs.put(PaxRecords.percentDecode(key.substring("LIBARCHIVE.xattr.".length())),
            Base64.getDecoder().decode(v));
      } catch (IllegalArgumentException ex) {
        throw new TarException("entry '" + shown + "': bad base64 in " + key);
      }
    }
    // Other keywords (uname, gname, ctime, comment, charset, SCHILY.dev...) change nothing jimg restores.
    return paxSize;
  }

  /** A global record replaces the one of its keyword; an empty value removes it. */
  private void setGlobal(Record record, long at) throws TarException {
    byte[] old = record.value().length > 0 ? globals.put(record.key(), record.value()) : globals.remove(record.key());
    if (old != null) {
      globalBytes -= record.key().length() + old.length;
    }
    if (record.value().length > 0) {
      globalBytes += record.key().length() + record.value().length;
    }
    if (globals.size() > MAX_GLOBAL_RECORDS || globalBytes > MAX_GLOBAL_BYTES) {
      throw new TarException("the PAX global header at byte " + at + " after " + previous() + " sets more than "
          + MAX_GLOBAL_RECORDS + " keywords or " + (MAX_GLOBAL_BYTES >> 10) + " KiB, more than jimg keeps");
    }
  }

  /** Counts header bytes about to be read against the archive's limit. */
  private void countHeader(long bytes, long at) throws TarException {
    headerBytes += bytes;
    if (headerBytes > headerBytesMax) {
      throw new TarException("the archive's headers pass " + headerBytesMax + " bytes at byte " + at + " after "
          + previous() + ", more than jimg reads in one archive");
    }
  }

  private byte[] readMetadata(long at, String what) throws IOException {
    long size = number(124, 12, "size", at);
    if (size > MAX_METADATA) {
      throw new TarException("the " + what + " at byte " + at + " after " + previous() + " is " + size
          + " bytes, more than the 1 MiB jimg accepts");
    }
    entryMetadata += size;
    if (entryMetadata > MAX_METADATA) {
      throw new TarException("the extended headers up to byte " + at + " after " + previous() + " hold more "
          + "than the 1 MiB jimg accepts for one entry");
    }
    countHeader(padded(size), at);
    byte[] data = new byte[(int) size];
    if (in.read(data, 0, data.length) < data.length) {
      throw new TarException("the archive is truncated in the " + what + " at byte " + at);
    }
    if (!skip(padded(size) - size)) {
      throw new TarException("the archive is truncated in the " + what + " at byte " + at);
    }
    return data;
  }

  /**
   * A GNU long name or link ends at its first NUL, as GNU tar, bsdtar and Go read it: refusing the name would be
   * as safe, but cutting it gives the very name 'tar t' lists, and that name then passes every check a name gets.
   * (A NUL in a PAX path is refused: Go refuses it too, and no writer puts one there.)
   */
  private static byte[] cutAtNul(byte[] name) {
    int end = 0;
    while (end < name.length && name[end] != 0) {
      end++;
    }
    return Arrays.copyOf(name, end);
  }

  // ---- sparse files ----

  private static final class Sparse {
    String version;
    long major;
    byte[] name;
    Long realSize;
    Long pendingOffset;
    long expectedRegions = -1;
    long[] map = new long[16];
    int count;

    void add(long offset, long length, TarEntry shown) throws TarException {
      if (count / 2 >= MAX_SPARSE_REGIONS) {
        throw new TarException("entry '" + shown + "' has more than " + MAX_SPARSE_REGIONS + " sparse regions");
      }
      if (count + 2 > map.length) {
        map = Arrays.copyOf(map, map.length * 2);
      }
      map[count++] = offset;
      map[count++] = length;
    }
  }

  private void readOldGnuSparse(Sparse sparse, long at, TarEntry shown) throws IOException {
    sparse.realSize = number(483, 12, "realsize", at);
    addOldGnuRegions(sparse, header, 386, 4, at, shown);
    boolean extended = header[482] != 0;
    byte[] block = new byte[BLOCK];
    while (extended) {
      countHeader(BLOCK, at);
      if (in.read(block, 0, BLOCK) < BLOCK) {
        throw new TarException("the archive is truncated in the sparse map of entry '" + shown + "'");
      }
      addOldGnuRegions(sparse, block, 0, 21, at, shown);
      extended = block[504] != 0;
    }
  }

  private void addOldGnuRegions(Sparse sparse, byte[] block, int start, int slots, long at, TarEntry shown)
      throws TarException {
    for (int i = 0; i < slots; i++) {
      int offset = start + i * 24;
      if (block[offset] == 0 && block[offset + 12] == 0) {
        return;
      }
      sparse.add(number(block, offset, 12, "sparse offset", at), number(block, offset + 12, 12, "sparse size", at),
          shown);
    }
  }

  /** GNU sparse 1.0 keeps its map at the start of the data: decimal lines, padded to a block. */
  private void readSparseMapFromData(Sparse sparse, TarEntry shown) throws IOException {
    long before = remaining;
    long regionCount = mapNumber(shown);
    if (regionCount < 0 || regionCount > MAX_SPARSE_REGIONS) {
      throw new TarException("entry '" + shown + "' has a sparse map of " + regionCount + " regions");
    }
    for (long i = 0; i < regionCount; i++) {
      long offset = mapNumber(shown);
      sparse.add(offset, mapNumber(shown), shown);
    }
    long used = before - remaining;
    long pad = padded(used) - used;
    if (pad > remaining) {
      throw new TarException("entry '" + shown + "': its sparse map is larger than its data");
    }
    in.skip(pad, "sparse map");
    remaining -= pad;
    current.size = remaining;
    padding = padded(remaining) - remaining;
  }

  private long mapNumber(TarEntry shown) throws IOException {
    long value = 0;
    int digits = 0;
    while (true) {
      if (remaining == 0 || in.available() == 0) {
        throw new TarException("entry '" + shown + "': its sparse map is truncated");
      }
      byte b = in.buffer[in.position++];
      remaining--;
      if (b == '\n') {
        if (digits == 0) {
          throw new TarException("entry '" + shown + "': empty number in its sparse map");
        }
        return value;
      }
      if (b < '0' || b > '9' || ++digits > 18) {
        throw new TarException("entry '" + shown + "': bad number in its sparse map");
      }
      value = value * 10 + (b - '0');
    }
  }

  private void applySparse(TarEntry e, Sparse sparse, TarEntry shown) throws TarException {
    if (sparse.pendingOffset != null || (sparse.expectedRegions >= 0 && sparse.expectedRegions != sparse.count / 2)) {
      throw new TarException("entry '" + shown + "': its sparse map has " + sparse.count / 2
          + " regions but says " + sparse.expectedRegions);
    }
    if (sparse.realSize == null) {
      throw new TarException("entry '" + shown + "' is sparse but gives no real size");
    }
    long realSize = sparse.realSize;
    long end = 0;
    long stored = 0;
    for (int i = 0; i < sparse.count; i += 2) {
      long offset = sparse.map[i];
      long length = sparse.map[i + 1];
      if (offset < end || length < 0 || offset > realSize || length > realSize - offset) {
        throw new TarException("entry '" + shown + "': its sparse map has a region at " + offset + " of " + length
            + " bytes that overlaps another or lies past its size " + realSize);
      }
      end = offset + length;
      stored += length;
    }
    if (stored != e.size) {
      throw new TarException("entry '" + shown + "': its sparse map holds " + stored + " bytes but the archive "
          + "stores " + e.size);
    }
    e.realSize = realSize;
    e.sparseMap = Arrays.copyOf(sparse.map, sparse.count);
    regions = e.sparseMap;
  }

  // ---- data ----

  /** A hold on the bytes last handed to a {@link DataSink}, for a sink that writes them on another thread. */
  ByteSource.Lease lease() {
    return in.lease();
  }

  /** Hands the current entry's data to {@code sink}, each piece at its offset in the expanded file. */
  void readData(DataSink sink) throws IOException {
    while (nextRegion < regions.length) {
      long offset = regions[nextRegion];
      long length = regions[nextRegion + 1];
      nextRegion += 2;
      long done = 0;
      while (done < length) {
        int n = (int) Math.min(in.available(), length - done);
        if (n == 0) {
          throw truncatedData();
        }
        sink.write(in.buffer, in.position, n, offset + done);
        in.position += n;
        done += n;
        remaining -= n;
      }
    }
  }

  private TarException truncatedData() {
    return new TarException("the archive is truncated in the data of entry '" + current.displayName() + "'");
  }

  private void skipData() throws IOException {
    if (!skip(remaining) || !skip(padding)) {
      throw new TarException("the archive is truncated in the data of entry '" + current + "'");
    }
    remaining = 0;
    padding = 0;
    nextRegion = regions.length;
    current = null;
  }

  /** Skips {@code length} bytes; false where the archive ends first. */
  private boolean skip(long length) throws IOException {
    while (length > 0) {
      int n = (int) Math.min(in.available(), length);
      if (n == 0) {
        return false;
      }
      in.position += n;
      length -= n;
    }
    return true;
  }

  // ---- fields ----

  private byte[] field(int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(header, offset, end);
  }

  private boolean matches(int offset, String magic) {
    for (int i = 0; i < magic.length(); i++) {
      if (header[offset + i] != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private long number(int offset, int length, String name, long at) throws TarException {
    return number(header, offset, length, name, at);
  }

  private long signedNumber(int offset, int length, String name, long at) throws TarException {
    if ((header[offset] & 0xff) == 0xff) {
      long value = -1;
      for (int i = offset + 1; i < offset + length; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    return number(header, offset, length, name, at);
  }

  /** An octal field, or GNU's base-256 form (first byte 0x80) for numbers too large for octal. */
  static long number(byte[] block, int offset, int length, String name, long at) throws TarException {
    int first = block[offset] & 0xff;
    if (first == 0x80) {
      long value = 0;
      for (int i = offset + 1; i < offset + length; i++) {
        if ((value >>> 55) != 0) {
          throw new TarException("the " + name + " field of the header at byte " + at + " overflows");
        }
        value = (value << 8) | (block[i] & 0xff);
      }
      return value;
    }
    if ((first & 0x80) != 0) {
      throw new TarException("the " + name + " field of the header at byte " + at + " is negative");
    }
    int i = offset;
    int end = offset + length;
    while (i < end && block[i] == ' ') {
      i++;
    }
    long value = 0;
    for (; i < end && block[i] != 0 && block[i] != ' '; i++) {
      int digit = block[i] - '0';
      if (digit < 0 || digit > 7 || (value >>> 60) != 0) {
        throw new TarException("the " + name + " field of the header at byte " + at + " is not an octal number");
      }
      value = value * 8 + digit;
    }
    return value;
  }

  static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The sum of the header's bytes with the checksum field as spaces; old writers summed signed bytes. */
  static boolean checksumMatches(byte[] block) throws TarException {
    long stored;
    try {
      stored = number(block, 148, 8, "checksum", 0);
    } catch (TarException e) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = i >= 148 && i < 156 ? ' ' : block[i];
      unsigned += b & 0xff;
      signed += (byte) b;
    }
    return stored == unsigned || stored == signed;
  }
}
