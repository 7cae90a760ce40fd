package io.jimg.transfer.tar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/** Parses PAX extended header records ({@code "LENGTH key=value\n"}) and the numbers and times they carry. */
final class PaxRecords {
  private PaxRecords() {}

  /** The most significant digits a PAX number may have: any more could overflow a long. */
  private static final int MAX_DIGITS = 18;

  record Record(String key, byte[] value) {}

  /** The records of a header's data read at {@code at}; {@code after} names what came before, for messages. */
  static List<Record> parse(byte[] data, long at, Supplier<String> after) throws TarException {
    List<Record> records = new ArrayList<>();
    int pos = 0;
    while (pos < data.length) {
      if (data[pos] == 0) {
        break; // some writers pad the record block with NULs
      }
      int space = pos;
      long length = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < data.length + 1L) {
        length = length * 10 + (data[space] - '0');
        space++;
      }
      if (space == pos || space >= data.length || data[space] != ' ' || length <= space - pos + 1
          || pos + length > data.length || data[(int) (pos + length - 1)] != '\n') {
        throw new TarException("malformed PAX record at byte " + (at + TarHeader.BLOCK + pos) + " after "
            + after.get());
      }
      int end = (int) (pos + length - 1);
      int equals = space + 1;
      while (equals < end && data[equals] != '=') {
        equals++;
      }
      if (equals == end || equals == space + 1) {
        throw new TarException("malformed PAX record (no key=value) at byte " + (at + TarHeader.BLOCK + pos)
            + " after " + after.get());
      }
      String key = new String(data, space + 1, equals - space - 1, StandardCharsets.ISO_8859_1);
      records.add(new Record(key, Arrays.copyOfRange(data, equals + 1, end)));
      pos = end + 1;
    }
    return records;
  }

  /**
   * A non-negative decimal. Leading zeros are allowed, as every other reader allows them: the bound is on the
   * value's significant digits, not on how the writer padded it.
   */
  static long decimal(byte[] value, String key, TarEntry shown) throws TarException {
    long result = 0;
    int significant = 0;
    for (byte b : value) {
      if (b < '0' || b > '9') {
        throw notANumber(key, shown);
      }
      if (significant > 0 || b != '0') {
        significant++;
      }
      result = result * 10 + (b - '0');
      if (significant > MAX_DIGITS) {
        throw notANumber(key, shown);
      }
    }
    if (value.length == 0) {
      throw notANumber(key, shown);
    }
    return result;
  }

  private static TarException notANumber(String key, TarEntry shown) {
    return new TarException("entry '" + shown + "': PAX " + key + " is not a number (or over 18 digits)");
  }

  /** A PAX time: seconds with an optional fraction, possibly negative; returns seconds and nanoseconds. */
  static long[] time(byte[] value, String key, TarEntry shown) throws TarException {
    int i = 0;
    boolean negative = value.length > 0 && value[0] == '-';
    if (negative) {
      i++;
    }
    long seconds = 0;
    int digits = 0;
    int significant = 0;
    for (; i < value.length && value[i] >= '0' && value[i] <= '9' && significant <= MAX_DIGITS; i++) {
      seconds = seconds * 10 + (value[i] - '0');
      digits++;
      if (significant > 0 || value[i] != '0') {
        significant++;
      }
    }
    long nanos = 0;
    boolean valid = digits >= 1 && significant <= MAX_DIGITS;
    if (i < value.length && value[i] == '.') {
      int place = 0;
      for (i++; i < value.length && value[i] >= '0' && value[i] <= '9'; i++, place++) {
        if (place < 9) {
          nanos = nanos * 10 + (value[i] - '0');
        }
      }
      for (; place < 9; place++) {
        nanos *= 10;
      }
    }
    if (!valid || i != value.length) {
      throw new TarException("entry '" + shown + "': PAX " + key + " '"
          + new String(value, StandardCharsets.US_ASCII) + "' is not a time");
    }
    if (negative) {
      seconds = -seconds;
      if (nanos > 0) {
        seconds -= 1;
        nanos = 1_000_000_000L - nanos;
      }
    }
    return new long[] {seconds, nanos};
  }

  /** An xattr name as libarchive writes it in {@code LIBARCHIVE.xattr.}: percent-encoded. */
  static String percentDecode(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%' && i + 2 < name.length()) {
        int value = Character.digit(name.charAt(i + 1), 16) * 16 + Character.digit(name.charAt(i + 2), 16);
        if (Character.digit(name.charAt(i + 1), 16) >= 0 && Character.digit(name.charAt(i + 2), 16) >= 0) {
          out.append((char) value);
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }
}
