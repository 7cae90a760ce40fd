package io.jimg.transfer.tar;

import java.util.Arrays;

/**
 * The fields of a 512-byte tar header block as the archive holds them: NUL-ended strings, octal numbers and GNU's
 * base-256 form for larger ones, and the checksum. Decoding only: what a field means is {@link TarReader}'s.
 */
final class TarHeader {
  private TarHeader() {}

  static final int BLOCK = 512;

  /** {@code size} rounded up to whole blocks, as data and extended headers are stored. */
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

  /** A string field: its bytes up to the first NUL, or all {@code length} of them. */
  static byte[] field(byte[] block, int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(block, offset, end);
  }

  static boolean matches(byte[] block, int offset, String magic) {
    for (int i = 0; i < magic.length(); i++) {
      if (block[offset + i] != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A number field that may be negative (a time before 1970): GNU tar writes those in base-256 with a first byte
   * of 0xff, two's complement over the field's remaining bytes.
   */
  static long signedNumber(byte[] block, int offset, int length, String name, long at) throws TarException {
    if ((block[offset] & 0xff) == 0xff) {
      long value = -1;
      for (int i = offset + 1; i < offset + length; i++) {
        value = (value << 8) | (block[i] & 0xff);
      }
      return value;
    }
    return number(block, offset, length, name, at);
  }

  /**
   * An octal field, or GNU's base-256 form (first byte 0x80) for numbers too large for octal. {@code name} and
   * {@code at}, the header's offset in the archive, are for messages.
   */
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

  /** The sum of the header's bytes with the checksum field as spaces; old writers summed signed bytes. */
  static boolean checksumMatches(byte[] block) {
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
