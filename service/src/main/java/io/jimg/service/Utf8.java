package io.jimg.service;

/**
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence.
 * Checked over a range in place, as a message may be 16 MiB and a decoder would copy it into twice as many chars.
 */
final class Utf8 {
  private Utf8() {}

  /** The index of the first byte of the first invalid sequence in the range, or -1 where it is all valid. */
  static int firstInvalid(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        i++;
        continue;
      }
      int count;
      int lowSecond = 0x80;
      int highSecond = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) {
        count = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        count = 2;
        if (b == 0xe0) {
          lowSecond = 0xa0; // overlong below
        } else if (b == 0xed) {
          highSecond = 0x9f; // surrogates above
        }
      } else if (b >= 0xf0 && b <= 0xf4) {
        count = 3;
        if (b == 0xf0) {
          lowSecond = 0x90;
        } else if (b == 0xf4) {
          highSecond = 0x8f; // above U+10FFFF
        }
      } else {
        return i;
      }
      if (i + count >= end) {
        return i;
      }
      int second = bytes[i + 1] & 0xff;
      if (second < lowSecond || second > highSecond) {
        return i;
      }
      for (int k = 2; k <= count; k++) {
        int next = bytes[i + k] & 0xff;
        if (next < 0x80 || next > 0xbf) {
          return i;
        }
      }
      i += count + 1;
    }
    return -1;
  }
}
