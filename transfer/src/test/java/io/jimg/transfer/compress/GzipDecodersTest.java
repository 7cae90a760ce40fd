package io.jimg.transfer.compress;

import static io.jimg.transfer.compress.Samples.concat;
import static io.jimg.transfer.compress.Samples.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.compress.Samples.TricklingInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both gzip decoders, ISA-L's and zlib's, against what the gzip tool writes: the same bytes out, every member
 * read, the same faults refused, never a hang (the class bound is a hang guard, not a timing); and ISA-L's
 * binding against its headers.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GzipDecodersTest {
  @TempDir static Path temp;

  /** 3 MB in two members, the first with the file name gzip stores; and its decoding. */
  private static byte[] plain;
  private static byte[] members;

  enum Decoder {
    ISAL {
      @Override
      InputStream open(InputStream in) throws IOException {
        Requirements.require(Libisal.loaded(), "libisal.so.2 (Debian's libisal2)");
        return IgzipInputStream.decode(in);
      }
    },
    ZLIB {
      @Override
      InputStream open(InputStream in) throws IOException {
        return Codecs.zlibGzipDecoder(in);
      }
    };

    abstract InputStream open(InputStream in) throws IOException;

    byte[] decode(byte[] encoded) throws IOException {
      return decode(new ByteArrayInputStream(encoded));
    }

    byte[] decode(InputStream encoded) throws IOException {
      return Samples.decodeAll(this::open, encoded);
    }
  }

  @BeforeAll
  static void encode() throws IOException {
    byte[] a = sample(2_000_000, 1);
    byte[] b = sample(1_000_000, 2);
    plain = concat(a, b);
    members = concat(gzipFile("image.tar", a), gzip("-1", b));
  }

  private static byte[] gzip(String options, byte[] input) throws IOException {
    return Samples.tool(temp, "gzip -c " + options, input);
  }

  /** A member as gzip writes it for a named file: with FNAME set and the name in its header. */
  private static byte[] gzipFile(String name, byte[] input) throws IOException {
    Requirements.requireTool("gzip");
    Path directory = Files.createTempDirectory(temp, "named");
    Files.write(directory.resolve(name), input);
    Commands.run("gzip", directory.resolve(name).toString());
    byte[] member = Files.readAllBytes(directory.resolve(name + ".gz"));
    assertEquals(0x08, member[3] & 0x08, "gzip stores the file name");
    return member;
  }

  @Test
  void isalLoadsOnDebian() {
    Requirements.require(Files.exists(Path.of("/etc/debian_version")), "a Debian host");
    assertTrue(Libisal.loaded(), "bin/test installs libisal2 (ISA-L 2.30 in bookworm), which loads and decodes"
        + " the binding's sample through its offsets");
  }

  /** The offsets and constants in Libisal, printed by a C program from ISA-L's own header. */
  @Test
  void bindingMatchesTheHeaders() throws IOException {
    Requirements.requireTool("cc");
    Requirements.require(Files.exists(Path.of("/usr/include/isa-l/igzip_lib.h")), "ISA-L's headers (libisal-dev)");
    Path source = Files.writeString(temp.resolve("isal.c"), String.join("\n",
        "#include <stdio.h>",
        "#include <stddef.h>",
        "#include <isa-l/igzip_lib.h>",
        "#define AT(field) offsetof(struct inflate_state, field)",
        "int main(void) {",
        "  printf(\"state %zu %zu %zu %zu %zu %zu %zu\\n\", sizeof(struct inflate_state), AT(next_out),",
        "      AT(avail_out), AT(next_in), AT(avail_in), AT(block_state), AT(crc_flag));",
        "  printf(\"gzip %d finish %d\\n\", ISAL_GZIP, ISAL_BLOCK_FINISH);",
        "  printf(\"ret %d %d %d %d %d %d %d %d %d\\n\", ISAL_DECOMP_OK, ISAL_END_INPUT, ISAL_OUT_OVERFLOW,",
        "      ISAL_INVALID_BLOCK, ISAL_INVALID_SYMBOL, ISAL_INVALID_LOOKBACK, ISAL_INVALID_WRAPPER,",
        "      ISAL_UNSUPPORTED_METHOD, ISAL_INCORRECT_CHECKSUM);",
        "  return 0;",
        "}", ""));
    Path program = temp.resolve("isal");
    Commands.run("cc", "-o", program.toString(), source.toString());
    String expected = String.join("\n",
        "state " + Libisal.STATE_SIZE + " " + Libisal.STATE_NEXT_OUT + " " + Libisal.STATE_AVAIL_OUT + " "
            + Libisal.STATE_NEXT_IN + " " + Libisal.STATE_AVAIL_IN + " " + Libisal.STATE_BLOCK_STATE + " "
            + Libisal.STATE_CRC_FLAG,
        "gzip " + Libisal.ISAL_GZIP + " finish " + Libisal.ISAL_BLOCK_FINISH,
        "ret " + Libisal.ISAL_DECOMP_OK + " " + Libisal.ISAL_END_INPUT + " " + Libisal.ISAL_OUT_OVERFLOW + " "
            + Libisal.ISAL_INVALID_BLOCK + " " + Libisal.ISAL_INVALID_SYMBOL + " " + Libisal.ISAL_INVALID_LOOKBACK
            + " " + Libisal.ISAL_INVALID_WRAPPER + " " + Libisal.ISAL_UNSUPPORTED_METHOD + " "
            + Libisal.ISAL_INCORRECT_CHECKSUM,
        "");
    assertEquals(expected, Commands.run(program.toString()));
    assertTrue(Libisal.STATE_SIZE <= Libisal.STATE_ALLOCATION);
  }

  @ParameterizedTest
  @EnumSource(Decoder.class)
  void everyMemberIsRead(Decoder decoder) throws IOException {
    assertArrayEquals(plain, decoder.decode(members));
  }

  @ParameterizedTest
  @EnumSource(Decoder.class)
  void aTricklingPipeDecodesTheSame(Decoder decoder) throws IOException {
    assertArrayEquals(plain, decoder.decode(new TricklingInputStream(members)));
  }

  /** What pigz writes with --independent, or cat of many .gz files: many small members, empty ones among them. */
  @ParameterizedTest
  @EnumSource(Decoder.class)
  void manySmallAndEmptyMembersAreReadWhole(Decoder decoder) throws IOException {
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 40; i++) {
      byte[] part = i % 10 == 3 ? new byte[0] : sample(1000 + 37 * i, 10 + i);
      expected.writeBytes(part);
      encoded.writeBytes(gzip("-n -1", part));
    }
    assertArrayEquals(expected.toByteArray(), decoder.decode(encoded.toByteArray()));
    assertArrayEquals(expected.toByteArray(), decoder.decode(new TricklingInputStream(encoded.toByteArray())));
  }

  /** A header with every optional field: extra, name, comment, and its own CRC-16. */
  @ParameterizedTest
  @EnumSource(Decoder.class)
  void everyOptionalHeaderFieldIsSkipped(Decoder decoder) throws IOException {
    byte[] data = sample(50_000, 3);
    byte[] member = gzip("-n", data);
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3});
    header.writeBytes(new byte[] {6, 0, 'J', 'I', 2, 0, 'x', 'y'});
    header.writeBytes("image.tar\0a comment\0".getBytes(StandardCharsets.ISO_8859_1));
    CRC32 crc = new CRC32();
    crc.update(header.toByteArray());
    header.write((int) crc.getValue());
    header.write((int) (crc.getValue() >>> 8));
    byte[] full = concat(header.toByteArray(), Arrays.copyOfRange(member, 10, member.length));
    assertArrayEquals(data, decoder.decode(full));
  }

  @ParameterizedTest
  @EnumSource(Decoder.class)
  void truncationAnywhereIsAnError(Decoder decoder) {
    int first = gzipLength();
    for (int length : new int[] {1, 2, 5, 10, 20, first - 8, first - 4, first - 1, first + 1, first + 12,
        members.length / 2, members.length - 8, members.length - 1}) {
      byte[] truncated = Arrays.copyOf(members, length);
      assertThrows(IOException.class, () -> decoder.decode(truncated), "truncated to " + length + " bytes");
    }
  }

  /** The length of the first member: the file's, less the second member's. */
  private static int gzipLength() {
    try {
      return members.length - gzip("-1", sample(1_000_000, 2)).length;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @EnumSource(Decoder.class)
  void aFlippedByteAnywhereIsAnError(Decoder decoder) {
    int first = gzipLength();
    // In the deflate data, in the first member's CRC-32 and in its length, and in the last member's length.
    for (int at : new int[] {first / 3, first - 6, first - 2, members.length - 1}) {
      byte[] corrupt = Arrays.copyOf(members, members.length);
      corrupt[at] ^= 0x55;
      assertThrows(IOException.class, () -> decoder.decode(corrupt), "byte " + at + " flipped");
    }
  }

  @ParameterizedTest
  @EnumSource(Decoder.class)
  void bytesAfterTheLastMemberAreAnError(Decoder decoder) {
    for (byte[] tail : new byte[][] {{0}, {0x1f}, {0, 0, 0, 0, 'j', 'i', 'm', 'g'}, {0x1f, (byte) 0x8b, 8}}) {
      byte[] encoded = concat(members, tail);
      assertThrows(IOException.class, () -> decoder.decode(encoded), "tail of " + tail.length + " bytes");
    }
  }

  /** RFC 1952: a decoder must refuse a member whose header sets a reserved flag; ISA-L itself does not. */
  @ParameterizedTest
  @EnumSource(Decoder.class)
  void reservedHeaderFlagsAreAnError(Decoder decoder) {
    int first = gzipLength();
    for (int member : new int[] {0, first}) {
      byte[] flagged = Arrays.copyOf(members, members.length);
      flagged[member + 3] |= (byte) 0x80;
      assertThrows(IOException.class, () -> decoder.decode(flagged), "member at byte " + member);
      // A pipe that hands out a few bytes a read leaves the header to be gathered across reads.
      assertThrows(IOException.class, () -> decoder.decode(new TricklingInputStream(flagged)),
          "member at byte " + member + ", trickled");
    }
  }

  /**
   * Random damage to a small file: ISA-L either refuses it or decodes the same bytes as zlib, never hangs; the
   * seed is fixed, so a failure repeats.
   */
  @Test
  void damagedInputDecodesAsZlibDecodesItOrFails() throws IOException {
    Requirements.require(Libisal.loaded(), "libisal.so.2");
    byte[] small = gzip("-6", sample(200_000, 9));
    Random random = new Random(20261206);
    for (int round = 0; round < 400; round++) {
      byte[] damaged = Arrays.copyOf(small, small.length);
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        int at = random.nextInt(4) == 0 ? random.nextInt(20) : random.nextInt(damaged.length);
        damaged[at] = (byte) random.nextInt(256);
      }
      if (random.nextInt(5) == 0) {
        damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length + 1));
      }
      byte[] isal = decodedOrNull(Decoder.ISAL, damaged);
      byte[] zlib = decodedOrNull(Decoder.ZLIB, damaged);
      assertTrue(isal == null ? zlib == null : Arrays.equals(isal, zlib), "round " + round + ": ISA-L "
          + (isal == null ? "refused" : "decoded") + ", zlib " + (zlib == null ? "refused" : "decoded"));
    }
  }

  private static byte[] decodedOrNull(Decoder decoder, byte[] encoded) {
    try {
      return decoder.decode(encoded);
    } catch (IOException e) {
      return null;
    }
  }

  @Test
  void isalErrorsSayWhatAndName() {
    Requirements.require(Libisal.loaded(), "libisal.so.2");
    int first = gzipLength();
    byte[] crc = Arrays.copyOf(members, members.length);
    crc[first - 6] ^= 0x55;
    assertEquals("gzip data that fails its CRC-32 or length check (ISAL_INCORRECT_CHECKSUM)",
        assertThrows(IOException.class, () -> Decoder.ISAL.decode(crc)).getMessage());
    assertEquals("truncated gzip data",
        assertThrows(IOException.class, () -> Decoder.ISAL.decode(Arrays.copyOf(members, first / 2))).getMessage());
    assertEquals("gzip data has bytes after its last member that are no gzip member",
        assertThrows(IOException.class, () -> Decoder.ISAL.decode(concat(members, new byte[] {0, 0}))).getMessage());
    byte[] method = Arrays.copyOf(members, members.length);
    method[2] = 7;
    IOException e = assertThrows(IOException.class, () -> Decoder.ISAL.decode(method));
    assertTrue(e.getMessage().startsWith("gzip data ") && e.getMessage().contains("(ISAL_"), e.getMessage());
  }

  /** A tar import closes its decoder from the reading thread while the decoding thread may be inside ISA-L. */
  @Test
  void closingWhileAnotherThreadReadsNeitherCrashesNorHangs() throws Exception {
    Requirements.require(Libisal.loaded(), "libisal.so.2");
    NativeDecoderChecks.closingWhileAnotherThreadReadsNeitherCrashesNorHangs(IgzipInputStream::decode, members,
        "the gzip decoder is closed");
  }

  @Test
  void closingClosesTheSource() throws IOException {
    Requirements.require(Libisal.loaded(), "libisal.so.2");
    NativeDecoderChecks.closingClosesTheSource(IgzipInputStream::decode, members);
  }
}
