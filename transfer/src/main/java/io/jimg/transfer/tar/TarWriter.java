package io.jimg.transfer.tar;

import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes POSIX (PAX) tar headers as GNU tar does with {@code --xattrs --numeric-owner}: ustar fields where the
 * values fit, PAX records where they do not (long names, large ids and sizes, nanosecond times, binary-safe
 * SCHILY.xattr values), and GNU sparse 1.0 for files with holes. Names are written as the bytes they are.
 */
final class TarWriter {
  static final int BLOCK = 512;
  /** GNU tar's default record: 20 blocks. The archive is padded to a whole record. */
  static final int RECORD = 20 * BLOCK;
  private static final long MAX_OCTAL_7 = 07777777L;
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final byte[] ZEROS = new byte[BLOCK];
  private static final byte[] ACL_ACCESS = "system.posix_acl_access".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ACL_DEFAULT = "system.posix_acl_default".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] XATTR_PREFIX = "SCHILY.xattr.".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] USTAR_MAGIC = "ustar\u000000".getBytes(StandardCharsets.ISO_8859_1);

  private final OutputStream out;
  private long written;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  /** The metadata of one header. {@code type} is the ustar type byte. */
  static final class Header {
    byte[] name;
    byte type;
    int mode;
    long uid;
    long gid;
    long size;
    long mtimeSeconds;
    int mtimeNanos;
    byte[] linkName = new byte[0];
    long deviceMajor;
    long deviceMinor;
    Map<byte[], byte[]> xattrs = Map.of();
    /** Data regions (offset, length pairs) of a sparse file; its size then is the real size. */
    long[] sparseMap;
  }

  /** Writes the header (with its PAX header and sparse map where needed); the caller writes the data after it. */
  void header(Header h) throws IOException {
    ByteArrayOutputStream pax = new ByteArrayOutputStream();
    byte[] name = h.name;
    long size = h.size;
    byte[] sparseMapBlock = null;
    if (h.sparseMap != null) {
      sparseMapBlock = sparseMap(h.sparseMap);
      long stored = 0;
      for (int i = 1; i < h.sparseMap.length; i += 2) {
        stored += h.sparseMap[i];
      }
      record(pax, "GNU.sparse.major", "1");
      record(pax, "GNU.sparse.minor", "0");
      record(pax, "GNU.sparse.name", name);
      record(pax, "GNU.sparse.realsize", Long.toString(h.size));
      name = sparseAlias(name);
      size = sparseMapBlock.length + stored;
    }
    byte[][] split = splitName(name);
    if (split == null) {
      record(pax, "path", name);
    }
    if (h.linkName.length > 100) {
      record(pax, "linkpath", h.linkName);
    }
    if (h.uid > MAX_OCTAL_7) {
      record(pax, "uid", Long.toString(h.uid));
    }
    if (h.gid > MAX_OCTAL_7) {
      record(pax, "gid", Long.toString(h.gid));
    }
    if (size > MAX_OCTAL_11) {
      record(pax, "size", Long.toString(size));
    }
    if (h.mtimeNanos != 0 || h.mtimeSeconds < 0 || h.mtimeSeconds > MAX_OCTAL_11) {
      record(pax, "mtime", time(h.mtimeSeconds, h.mtimeNanos));
    }
    // GNU tar writes ACLs twice, and its --acls extraction looks only at the text form.
    if (!h.xattrs.isEmpty()) {
      acl(pax, h.xattrs, ACL_ACCESS, "SCHILY.acl.access");
      acl(pax, h.xattrs, ACL_DEFAULT, "SCHILY.acl.default");
      for (Map.Entry<byte[], byte[]> x : h.xattrs.entrySet()) {
        record(pax, concat(XATTR_PREFIX, x.getKey()), x.getValue());
      }
    }
    if (pax.size() > 0) {
      byte[] records = pax.toByteArray();
      byte[] paxName = paxName(split != null ? name : h.name);
      block(ustar(new byte[][] {null, paxName}, (byte) 'x', 0644, 0, 0, records.length, h.mtimeSeconds, new byte[0],
          0, 0));
      write(records, 0, records.length);
      pad(records.length);
    }
    if (split == null) {
      split = new byte[][] {null, Arrays.copyOf(name, Math.min(100, name.length))};
    }
    block(ustar(split, h.type, h.mode, h.uid, h.gid, size, h.mtimeSeconds, h.linkName, h.deviceMajor,
        h.deviceMinor));
    if (sparseMapBlock != null) {
      write(sparseMapBlock, 0, sparseMapBlock.length);
    }
  }

  /**
   * Appends up to {@code length} bytes of {@code file} from {@code offset}, read through {@code buffer} unless the
   * output takes them from the kernel directly; returns how many there were, fewer only where the file ends sooner.
   */
  long data(Fd file, long offset, long length, byte[] buffer) throws IOException {
    if (out instanceof DescriptorOutputStream) {
      long n = ((DescriptorOutputStream) out).transferFrom(file, offset, length);
      written += n;
      return n;
    }
    long done = 0;
    while (done < length) {
      int n = file.pread(buffer, 0, (int) Math.min(buffer.length, length - done), offset + done);
      if (n <= 0) {
        break;
      }
      write(buffer, 0, n);
      done += n;
    }
    return done;
  }

  /** Pads the data written after a header of {@code size} data bytes to a whole block. */
  void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      write(ZEROS, 0, BLOCK - rest);
    }
  }

  /** Two zero blocks, then zeros to the end of the record. */
  void finish() throws IOException {
    write(new byte[2 * BLOCK], 0, 2 * BLOCK);
    int rest = (int) (written % RECORD);
    if (rest != 0) {
      write(new byte[RECORD - rest], 0, RECORD - rest);
    }
    out.flush();
  }

  private void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    written += len;
  }

  private void block(byte[] header) throws IOException {
    write(header, 0, BLOCK);
  }

  private static byte[] ustar(byte[][] name, byte type, int mode, long uid, long gid, long size, long mtime,
      byte[] link, long major, long minor) {
    byte[] h = new byte[BLOCK];
    if (name[0] != null) {
      System.arraycopy(name[0], 0, h, 345, name[0].length);
    }
    System.arraycopy(name[1], 0, h, 0, Math.min(100, name[1].length));
    number(h, 100, 8, mode & 07777);
    number(h, 108, 8, uid);
    number(h, 116, 8, gid);
    number(h, 124, 12, size);
    number(h, 136, 12, Math.max(0, Math.min(mtime, MAX_OCTAL_11)));
    h[156] = type;
    System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
    System.arraycopy(USTAR_MAGIC, 0, h, 257, USTAR_MAGIC.length);
    if (type == '3' || type == '4') {
      number(h, 329, 8, major);
      number(h, 337, 8, minor);
    }
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 6, sum);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  /** Octal where it fits (with its NUL), GNU base-256 where it does not. */
  private static void number(byte[] h, int offset, int length, long value) {
    long maxOctal = (1L << (3 * (length - 1))) - 1;
    if (value >= 0 && value <= maxOctal) {
      octal(h, offset, length - 1, value);
      h[offset + length - 1] = 0;
      return;
    }
    h[offset] = (byte) 0x80;
    for (int i = length - 1; i > 0; i--) {
      h[offset + i] = (byte) value;
      value >>>= 8;
    }
  }

  /** {@code value} as {@code digits} octal digits, zero-padded on the left. */
  private static void octal(byte[] h, int offset, int digits, long value) {
    for (int i = offset + digits - 1; i >= offset; i--) {
      h[i] = (byte) ('0' + (value & 7));
      value >>>= 3;
    }
  }

  /** The name as ustar prefix and name, or null where it does not fit (then PAX carries it). */
  private static byte[][] splitName(byte[] name) {
    if (name.length <= 100) {
      return new byte[][] {null, name};
    }
    if (name.length > 256) {
      return null;
    }
    for (int i = Math.min(155, name.length - 1); i > 0; i--) {
      if (name[i] == '/' && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
        return new byte[][] {Arrays.copyOfRange(name, 0, i), Arrays.copyOfRange(name, i + 1, name.length)};
      }
    }
    return null;
  }

  private static byte[] paxName(byte[] name) {
    // GNU tar's %d/PaxHeaders/%f, cut to fit the 100-byte field.
    int slash = lastSlash(name);
    byte[] base = Arrays.copyOfRange(name, slash + 1, name.length);
    byte[] prefix = "./PaxHeaders/".getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(concat(prefix, base), Math.min(100, prefix.length + base.length));
  }

  private static byte[] sparseAlias(byte[] name) {
    int slash = lastSlash(name);
    byte[] base = Arrays.copyOfRange(name, slash + 1, name.length);
    byte[] prefix = "./GNUSparseFile.0/".getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(concat(prefix, base), Math.min(100, prefix.length + base.length));
  }

  private static int lastSlash(byte[] name) {
    int end = name.length;
    if (end > 0 && name[end - 1] == '/') {
      end--;
    }
    for (int i = end - 1; i >= 0; i--) {
      if (name[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  private static byte[] sparseMap(long[] map) {
    StringBuilder text = new StringBuilder();
    text.append(map.length / 2).append('\n');
    for (long v : map) {
      text.append(v).append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(bytes, (bytes.length + BLOCK - 1) / BLOCK * BLOCK);
  }

  private static String time(long seconds, int nanos) {
    if (seconds < 0 && nanos > 0) {
      // PAX times are decimal: -1.5 is 1.5 seconds before the epoch.
      long whole = seconds + 1;
      return (whole == 0 ? "-0" : Long.toString(whole)) + "." + nineDigits(1_000_000_000 - nanos);
    }
    return nanos == 0 ? Long.toString(seconds) : seconds + "." + nineDigits(nanos);
  }

  private static String nineDigits(int nanos) {
    String digits = Integer.toString(nanos);
    return "000000000".substring(digits.length()) + digits;
  }

  private static void acl(ByteArrayOutputStream pax, Map<byte[], byte[]> xattrs, byte[] name, String key) {
    for (Map.Entry<byte[], byte[]> x : xattrs.entrySet()) {
      if (Arrays.equals(x.getKey(), name)) {
        String text = PosixAcl.toText(x.getValue());
        if (text != null) {
          record(pax, key, text.getBytes(StandardCharsets.US_ASCII));
        }
      }
    }
  }

  private static void record(ByteArrayOutputStream pax, String key, String value) {
    record(pax, key.getBytes(StandardCharsets.US_ASCII), value.getBytes(StandardCharsets.US_ASCII));
  }

  private static void record(ByteArrayOutputStream pax, String key, byte[] value) {
    record(pax, key.getBytes(StandardCharsets.US_ASCII), value);
  }

  /** "LEN key=value\n", where LEN counts its own digits. */
  private static void record(ByteArrayOutputStream pax, byte[] key, byte[] value) {
    int body = 1 + key.length + 1 + value.length + 1;
    int length = body + Integer.toString(body).length();
    if (Integer.toString(length).length() != Integer.toString(body).length()) {
      length++;
    }
    pax.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
    pax.write(' ');
    pax.writeBytes(key);
    pax.write('=');
    pax.writeBytes(value);
    pax.write('\n');
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
