package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TarHeaderTest {
  private static byte[] block(int offset, byte[] bytes) {
    byte[] block = new byte[TarHeader.BLOCK];
    System.arraycopy(bytes, 0, block, offset, bytes.length);
    return block;
  }

  private static byte[] block(int offset, int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return block(offset, bytes);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void readsOctalPaddedWithSpacesAndEndedByNulOrSpace() throws TarException {
    assertEquals(0644, TarHeader.number(block(100, ascii("  000644 ")), 100, 8, "mode", 0));
    assertEquals(511, TarHeader.number(block(100, ascii("0000777\0")), 100, 8, "mode", 0));
    assertEquals(0, TarHeader.number(block(100, new byte[0]), 100, 8, "mode", 0));
  }

  @Test
  void refusesWhatIsNotOctal() {
    TarException e = assertThrows(TarException.class,
        () -> TarHeader.number(block(124, ascii("00000000089")), 124, 12, "size", 1024));
    assertEquals("the size field of the header at byte 1024 is not an octal number", e.getMessage());
  }

  @Test
  void readsBase256AndRefusesWhatOverflowsOrIsNegative() throws TarException {
    byte[] large = block(124, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0);
    assertEquals(0x0200_0000L, TarHeader.number(large, 124, 12, "size", 0));
    byte[] overflowing = block(124, 0x80, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    assertTrue(assertThrows(TarException.class, () -> TarHeader.number(overflowing, 124, 12, "size", 0))
        .getMessage().endsWith("overflows"));
    byte[] negative = block(124, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe);
    assertTrue(assertThrows(TarException.class, () -> TarHeader.number(negative, 124, 12, "size", 0))
        .getMessage().endsWith("is negative"));
    assertEquals(-2, TarHeader.signedNumber(negative, 124, 12, "mtime", 0));
  }

  @Test
  void cutsStringFieldsAtTheirFirstNul() {
    byte[] block = block(0, ascii("name\0junk"));
    assertArrayEquals(ascii("name"), TarHeader.field(block, 0, 100));
    byte[] full = new byte[TarHeader.BLOCK];
    Arrays.fill(full, 0, 100, (byte) 'a');
    assertEquals(100, TarHeader.field(full, 0, 100).length);
    assertTrue(TarHeader.matches(block(257, ascii("ustar\0")), 257, "ustar\0"));
    assertFalse(TarHeader.matches(block(257, ascii("ustar ")), 257, "ustar\0"));
  }

  @Test
  void acceptsTheUnsignedAndTheOldSignedChecksum() {
    byte[] block = block(0, 0xe9); // a byte that sums differently signed and unsigned
    long unsigned = 8 * ' ' + 0xe9;
    long signed = 8 * ' ' - 0x17;
    for (long sum : new long[] {unsigned, signed}) {
      byte[] octal = ascii(String.format("%06o\0 ", sum));
      System.arraycopy(octal, 0, block, 148, 8);
      assertTrue(TarHeader.checksumMatches(block), "checksum " + sum);
    }
    System.arraycopy(ascii(String.format("%06o\0 ", unsigned + 1)), 0, block, 148, 8);
    assertFalse(TarHeader.checksumMatches(block));
  }

  @Test
  void padsSizesToWholeBlocks() {
    assertEquals(0, TarHeader.padded(0));
    assertEquals(512, TarHeader.padded(1));
    assertEquals(512, TarHeader.padded(512));
    assertEquals(1024, TarHeader.padded(513));
    assertTrue(TarHeader.isZero(new byte[TarHeader.BLOCK]));
    assertFalse(TarHeader.isZero(block(511, 1)));
  }
}
