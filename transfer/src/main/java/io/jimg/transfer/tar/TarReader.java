package io.jimg.transfer.tar;

import static io.jimg.transfer.tar.TarHeader.BLOCK;
import static io.jimg.transfer.tar.TarHeader.padded;

import io.jimg.transfer.tar.PaxRecords.Record;
import io.jimg.transfer.tar.TarEntry.Kind;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads tar headers itself, keeping names, link targets and PAX values as bytes: ustar, GNU long names and links
 * (L, K), old GNU sparse (S), PAX extended and global headers with SCHILY xattrs and ACLs, GNU sparse 0.0, 0.1 and
 * 1.0, base-256 numbers and nanosecond times. The archive ends at its first zero block, as in GNU tar and every
 * other reader ({@link ArchiveEnd}); with {@code ignoreZeros}, concatenated archives are read whole, as GNU tar's
 * {@code --ignore-zeros} reads them. What headers may hold is bounded:
 * 1 MiB of extended headers for one entry, 64 global keywords in 64 KiB, and {@link TarLimits#headerBytes} for
 * every header of the archive together, end blocks included. This class is the state machine over headers and
 * data; {@link TarHeader} decodes a header's fields, {@link PaxRecords} and {@link PaxKeywords} the PAX records,
 * {@link PaxGlobals} keeps the global ones and {@link SparseMap} gathers a sparse file's regions.
 */
final class TarReader {
  /** The largest PAX or long-name header jimg accepts, and the most such headers may hold for one entry. */
  static final int MAX_METADATA = 1 << 20;

  private final ByteSource in;
  private final long headerBytesMax;
  private final boolean ignoreZeros;
  private final Consumer<String> warnings;
  private final byte[] header = new byte[BLOCK];
  private final PaxGlobals globals = new PaxGlobals();
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
        if (sawZeroBlock && previous != null) {
          return null; // a stray partial block after the end (--ignore-zeros): no header can hide in it
        }
        if (previous == null && firstHeader < 0) {
          throw Contents.notATar(at, header, n);
        }
        throw new TarException("the archive is truncated in a header at byte " + at + " after " + previous());
      }
      if (TarHeader.isZero(header)) {
        if (extended) {
          throw new TarException("a zero block at byte " + at + " follows an extended header after " + previous());
        }
        if (!ignoreZeros) {
          ArchiveEnd.readTrailing(in, this::countHeader, warnings, previous == null && firstHeader < 0);
          return null;
        }
        sawZeroBlock = true;
        continue;
      }
      if (!TarHeader.checksumMatches(header)) {
        if (previous == null && firstHeader < 0) {
          throw Contents.notATar(at, header, BLOCK);
        }
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
            globals.set(record, at, this::previous);
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
    boolean ustar = TarHeader.matches(header, 257, "ustar\0");
    byte[] name = TarHeader.field(header, 0, 100);
    if (ustar) {
      byte[] prefix = TarHeader.field(header, 345, 155);
      if (prefix.length > 0) {
        byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
        joined[prefix.length] = '/';
        System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
        name = joined;
      }
    }
    e.path = longName != null ? longName : name;
    e.linkPath = longLink != null ? longLink : TarHeader.field(header, 157, 100);
    e.mode = (int) (number(100, 8, "mode", at) & 07777);
    e.uid = number(108, 8, "uid", at);
    e.gid = number(116, 8, "gid", at);
    e.size = number(124, 12, "size", at);
    e.mtimeSeconds = TarHeader.signedNumber(header, 136, 12, "mtime", at);
    e.deviceMajor = number(329, 8, "devmajor", at);
    e.deviceMinor = number(337, 8, "devminor", at);

    SparseMap sparse = new SparseMap();
    if (type == 'S') {
      sparse.readOldGnu(header, in, this::countHeader, at, e);
    }
    PaxKeywords.apply(e, globals.before(pax), sparse);
    if (sparse.name() != null) {
      e.path = sparse.name();
    }
    e.kind = kind(type, e, at);
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
    if (e.kind == Kind.FILE && (type == 'S' || sparse.fromPax())) {
      if (sparse.inData()) {
        remaining -= sparse.readFromData(in, remaining, e);
        e.size = remaining;
        padding = padded(remaining) - remaining;
      }
      sparse.applyTo(e);
      regions = e.sparseMap;
    } else if (sparse.fromPax() || type == 'S') {
      throw new TarException("entry '" + e + "' has a sparse map but is no regular file");
    }
    checkSize(e, type);
    return e;
  }

  private Kind kind(byte type, TarEntry e, long at) throws TarException {
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
        throw new TarException("entry '" + e + "' at byte " + at + " has an unknown type '"
            + (type >= 32 && type < 127 ? String.valueOf((char) type) : String.format("\\x%02x", type & 0xff)) + "'");
    }
  }

  private void checkSize(TarEntry e, byte type) throws TarException {
    boolean mayHaveData = e.kind == Kind.FILE || type == 'D';
    if (!mayHaveData && e.size != 0) {
      throw new TarException("entry '" + e + "' is a " + e.kind.name().toLowerCase().replace('_', ' ')
          + " but says it has " + e.size + " bytes of data");
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
    return TarHeader.field(name, 0, name.length);
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

  private long number(int offset, int length, String name, long at) throws TarException {
    return TarHeader.number(header, offset, length, name, at);
  }
}
