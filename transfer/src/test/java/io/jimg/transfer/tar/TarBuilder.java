package io.jimg.transfer.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes tar archives byte by byte for tests, including ones no honest writer makes. */
public final class TarBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** One header; fields left alone take harmless defaults. Call {@link #add} to write it. */
  public final class Header {
    byte[] name;
    public byte type = '0';
    int mode = 0644;
    long uid;
    long gid;
    /** The size the header gives, where it is not the data's (the data then follows apart). */
    public Long size;
    byte[] link = new byte[0];
    byte[] data = new byte[0];
    long mtime = 1_600_000_000L;
    boolean badChecksum;
    /** Raw bytes written over the header at an offset, after the fields and before the checksum. */
    int patchAt = -1;
    byte[] patch;

    Header(byte[] name) {
      this.name = name;
    }

    public TarBuilder add() {
      byte[] h = new byte[512];
      put(h, 0, 100, name);
      octal(h, 100, 8, mode);
      octal(h, 108, 8, uid);
      octal(h, 116, 8, gid);
      long dataSize = size != null ? size : data.length;
      octal(h, 124, 12, dataSize);
      octal(h, 136, 12, mtime);
      h[156] = type;
      put(h, 157, 100, link);
      put(h, 257, 8, "ustar\u000000".getBytes(StandardCharsets.ISO_8859_1));
      if (patch != null) {
        System.arraycopy(patch, 0, h, patchAt, patch.length);
      }
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      octal(h, 148, 7, badChecksum ? sum + 1 : sum);
      h[155] = ' ';
      out.writeBytes(h);
      out.writeBytes(data);
      pad();
      return TarBuilder.this;
    }
  }

  public Header header(String name) {
    return new Header(name.getBytes(StandardCharsets.UTF_8));
  }

  Header header(byte[] name) {
    return new Header(name);
  }

  public TarBuilder file(String name, String content) {
    Header h = header(name);
    h.data = content.getBytes(StandardCharsets.UTF_8);
    return h.add();
  }

  public TarBuilder dir(String name) {
    Header h = header(name);
    h.type = '5';
    h.mode = 0755;
    return h.add();
  }

  public TarBuilder symlink(String name, String target) {
    Header h = header(name);
    h.type = '2';
    h.link = target.getBytes(StandardCharsets.UTF_8);
    return h.add();
  }

  public TarBuilder hardlink(String name, String target) {
    Header h = header(name);
    h.type = '1';
    h.link = target.getBytes(StandardCharsets.UTF_8);
    return h.add();
  }

  /** A PAX extended header ('x') with the given records, values as raw bytes. */
  public TarBuilder pax(Object... keysAndValues) {
    return paxHeader((byte) 'x', keysAndValues);
  }

  /** A PAX global header ('g'), whose records hold for every later entry. */
  public TarBuilder paxGlobal(Object... keysAndValues) {
    return paxHeader((byte) 'g', keysAndValues);
  }

  private TarBuilder paxHeader(byte type, Object... keysAndValues) {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      byte[] key = ((String) keysAndValues[i]).getBytes(StandardCharsets.UTF_8);
      Object v = keysAndValues[i + 1];
      byte[] value = v instanceof byte[] ? (byte[]) v : ((String) v).getBytes(StandardCharsets.UTF_8);
      int body = 1 + key.length + 1 + value.length + 1;
      int length = body + String.valueOf(body).length();
      if (String.valueOf(length).length() != String.valueOf(body).length()) {
        length++;
      }
      records.writeBytes((length + " ").getBytes(StandardCharsets.US_ASCII));
      records.writeBytes(key);
      records.write('=');
      records.writeBytes(value);
      records.write('\n');
    }
    Header h = header("./PaxHeaders/x");
    h.type = type;
    h.data = records.toByteArray();
    return h.add();
  }

  TarBuilder raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  public TarBuilder end() {
    out.writeBytes(new byte[1024]);
    return this;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  private void pad() {
    int rest = out.size() % 512;
    if (rest != 0) {
      out.writeBytes(new byte[512 - rest]);
    }
  }

  private static void put(byte[] h, int offset, int length, byte[] value) {
    System.arraycopy(value, 0, h, offset, Math.min(length, value.length));
  }

  static void octal(byte[] h, int offset, int length, long value) {
    String text = Long.toOctalString(value);
    while (text.length() < length - 1) {
      text = "0" + text;
    }
    byte[] digits = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, h, offset, Math.min(digits.length, length - 1));
    h[offset + length - 1] = 0;
  }
}
