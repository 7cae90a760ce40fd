package io.jimg.transfer.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SparseMapTest {
  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static TarEntry entry(long size) {
    TarEntry e = new TarEntry();
    e.path = ascii("s");
    e.size = size;
    return e;
  }

  /** The bytes given, handed out in windows of three so that the map's lines cross window edges. */
  private static ByteSource source(byte[] bytes) {
    return new ByteSource() {
      private int next;

      @Override
      protected boolean fill() {
        if (next == bytes.length) {
          return false;
        }
        int end = Math.min(next + 3, bytes.length);
        window(bytes, next, end);
        next = end;
        return true;
      }

      @Override
      Lease lease() {
        return () -> {};
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void takesThePaxMapOfVersion01() throws TarException {
    SparseMap map = new SparseMap();
    TarEntry e = entry(5);
    assertTrue(map.pax("GNU.sparse.size", ascii("100"), e));
    assertTrue(map.pax("GNU.sparse.map", ascii("10,2,50,3"), e));
    assertFalse(map.pax("path", ascii("s"), e));
    assertTrue(map.fromPax());
    assertFalse(map.inData());
    map.applyTo(e);
    assertArrayEquals(new long[] {10, 2, 50, 3}, e.sparseMap);
    assertEquals(100, e.realSize);
  }

  @Test
  void pairsOffsetsAndSizesOfVersion00AndCountsThem() throws TarException {
    SparseMap map = new SparseMap();
    TarEntry e = entry(4);
    map.pax("GNU.sparse.size", ascii("9"), e);
    map.pax("GNU.sparse.numblocks", ascii("2"), e);
    map.pax("GNU.sparse.offset", ascii("0"), e);
    map.pax("GNU.sparse.numbytes", ascii("1"), e);
    map.pax("GNU.sparse.offset", ascii("6"), e);
    map.pax("GNU.sparse.numbytes", ascii("3"), e);
    map.applyTo(e);
    assertArrayEquals(new long[] {0, 1, 6, 3}, e.sparseMap);

    SparseMap miscounted = new SparseMap();
    miscounted.pax("GNU.sparse.size", ascii("9"), e);
    miscounted.pax("GNU.sparse.numblocks", ascii("3"), e);
    assertEquals("entry 's': its sparse map has 0 regions but says 3",
        assertThrows(TarException.class, () -> miscounted.applyTo(e)).getMessage());
    assertThrows(TarException.class, () -> new SparseMap().pax("GNU.sparse.numbytes", ascii("1"), e));
    assertThrows(TarException.class, () -> new SparseMap().pax("GNU.sparse.map", ascii("1,2,3"), e));
  }

  @Test
  void readsTheMapOfVersion10FromTheDataAndSkipsItsPadding() throws Exception {
    SparseMap map = new SparseMap();
    TarEntry e = entry(512 + 5);
    map.pax("GNU.sparse.major", ascii("1"), e);
    map.pax("GNU.sparse.realsize", ascii("20"), e);
    assertTrue(map.inData());
    byte[] data = new byte[512 + 5];
    byte[] lines = ascii("2\n0\n2\n17\n3\n");
    System.arraycopy(lines, 0, data, 0, lines.length);
    System.arraycopy(ascii("abcde"), 0, data, 512, 5);
    ByteSource in = source(data);
    assertEquals(512, map.readFromData(in, data.length, e));
    assertEquals(512, in.offset());
    e.size = 5;
    map.applyTo(e);
    assertArrayEquals(new long[] {0, 2, 17, 3}, e.sparseMap);
  }

  @Test
  void refusesAMapThatRunsPastTheDataOrOverlapsOrDisagreesWithIt() throws Exception {
    TarEntry e = entry(3);
    SparseMap cut = new SparseMap();
    assertEquals("entry 's': its sparse map is truncated",
        assertThrows(TarException.class, () -> cut.readFromData(source(ascii("2\n0\n1\n")), 6, e)).getMessage());
    SparseMap overlapping = new SparseMap();
    overlapping.pax("GNU.sparse.size", ascii("10"), e);
    overlapping.pax("GNU.sparse.map", ascii("0,2,1,1"), e);
    assertThrows(TarException.class, () -> overlapping.applyTo(e));
    SparseMap larger = new SparseMap();
    larger.pax("GNU.sparse.size", ascii("10"), e);
    larger.pax("GNU.sparse.map", ascii("0,4"), e);
    assertEquals("entry 's': its sparse map holds 4 bytes but the archive stores 3",
        assertThrows(TarException.class, () -> larger.applyTo(e)).getMessage());
  }

  @Test
  void readsTheOldGnuMapFromTheHeaderAndItsExtensionBlocks() throws Exception {
    byte[] header = new byte[TarHeader.BLOCK];
    octal(header, 483, 1000); // the real size
    for (int i = 0; i < 4; i++) {
      octal(header, 386 + i * 24, i * 100);
      octal(header, 386 + i * 24 + 12, 1);
    }
    header[482] = 1; // an extension block follows
    byte[] extension = new byte[TarHeader.BLOCK];
    octal(extension, 0, 900);
    octal(extension, 12, 2);
    long[] counted = {0};
    SparseMap map = new SparseMap();
    TarEntry e = entry(6);
    map.readOldGnu(header, source(extension), (bytes, at) -> counted[0] += bytes, 0, e);
    assertEquals(TarHeader.BLOCK, counted[0]);
    assertFalse(map.fromPax());
    map.applyTo(e);
    assertArrayEquals(new long[] {0, 1, 100, 1, 200, 1, 300, 1, 900, 2}, e.sparseMap);
    assertEquals(1000, e.realSize);

    header[482] = 1;
    assertEquals("the archive is truncated in the sparse map of entry 's'", assertThrows(TarException.class,
        () -> new SparseMap().readOldGnu(header, source(new byte[0]), (bytes, at) -> {}, 0, e)).getMessage());
  }

  private static void octal(byte[] block, int offset, long value) {
    byte[] digits = ascii(String.format("%011o", value));
    System.arraycopy(digits, 0, block, offset, digits.length);
  }
}
