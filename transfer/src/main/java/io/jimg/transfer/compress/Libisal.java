package io.jimg.transfer.compress;

import java.nio.ByteBuffer;
import java.util.Arrays;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * The system's ISA-L (libisal.so.2, Debian's libisal2), bound with jnr-ffi for its inflate and deflate: the calls,
 * constants and struct offsets {@link IgzipInputStream} and {@link IsalChunkDeflater} use, and nothing else. Its
 * inflate decodes gzip in about half the time of the JDK's zlib (a minbase root's 93 MB tar.gz: 0.29 s against
 * 0.56 s), which puts a gzip import ahead of systemd-import's; its deflate at level 1 compresses that root's 204 MB
 * tar on one core in well under the 0.52 s its level 2 takes, where zlib's level 6 takes 8.0 s, into 99.6 MB
 * (level 2: 99.1 MB; zlib: 92.9 MB). The library is
 * optional: where it does not load, or fails the checks below, zlib does the work.
 */
final class Libisal {
  private Libisal() {}

  /** The calls, as declared in {@code <isa-l/igzip_lib.h>}. */
  public interface Functions {
    void isal_inflate_init(Pointer state);

    void isal_inflate_reset(Pointer state);

    int isal_inflate(Pointer state);

    void isal_deflate_init(Pointer stream);

    int isal_deflate_set_dict(Pointer stream, Pointer dictionary, int length);

    int isal_deflate(Pointer stream);
  }

  // struct isal_zstream, <isa-l/igzip_lib.h> of ISA-L 2.30, on LP64: 82,384 bytes there, given room to spare.
  static final int STREAM_ALLOCATION = 128 * 1024;
  static final int STREAM_NEXT_IN = 0;
  static final int STREAM_AVAIL_IN = 8;
  static final int STREAM_NEXT_OUT = 16;
  static final int STREAM_AVAIL_OUT = 24;
  static final int STREAM_LEVEL = 40;
  static final int STREAM_LEVEL_BUF_SIZE = 44;
  static final int STREAM_LEVEL_BUF = 48;
  static final int STREAM_END_OF_STREAM = 56;
  static final int STREAM_FLUSH = 58;
  static final int STREAM_GZIP_FLAG = 60;
  static final int STREAM_STATE = 84;

  /**
   * The level jimg compresses at, and the buffer that level needs (ISAL_DEF_LVL1_DEFAULT): a push of the minbase
   * root takes 2.02 s at level 1 against 2.16 s at level 2 (medians of 5, interleaved), for 0.5 % more bytes.
   */
  static final int DEFLATE_LEVEL = 1;
  static final int DEFLATE_LEVEL_BUFFER = 282_624;

  // flush, gzip_flag and enum isal_zstate_state.
  static final int NO_FLUSH = 0;
  static final int SYNC_FLUSH = 1;
  static final int IGZIP_DEFLATE = 0;
  static final int ZSTATE_END = 11;
  static final int COMP_OK = 0;

  // struct inflate_state, <isa-l/igzip_lib.h> of ISA-L 2.30, on LP64. Its size is 87,368 bytes there; a state is
  // given room to spare, so that a library whose tables grew writes into memory that is still the state's.
  static final int STATE_SIZE = 87_368;
  static final int STATE_ALLOCATION = 128 * 1024;
  static final int STATE_NEXT_OUT = 0;
  static final int STATE_AVAIL_OUT = 8;
  static final int STATE_NEXT_IN = 16;
  static final int STATE_AVAIL_IN = 32;
  static final int STATE_BLOCK_STATE = 21_160;
  static final int STATE_CRC_FLAG = 21_172;

  /** crc_flag: parse the gzip header and verify the trailer's CRC-32 and length. */
  static final int ISAL_GZIP = 1;

  // enum isal_block_state.
  static final int ISAL_BLOCK_FINISH = 5;

  // isal_inflate's returns.
  static final int ISAL_DECOMP_OK = 0;
  static final int ISAL_END_INPUT = 1;
  static final int ISAL_OUT_OVERFLOW = 2;
  static final int ISAL_INVALID_BLOCK = -1;
  static final int ISAL_INVALID_SYMBOL = -2;
  static final int ISAL_INVALID_LOOKBACK = -3;
  static final int ISAL_INVALID_WRAPPER = -4;
  static final int ISAL_UNSUPPORTED_METHOD = -5;
  static final int ISAL_INCORRECT_CHECKSUM = -6;

  /** "jimg\n" as {@code gzip -n} writes it; declared before {@link #FUNCTIONS}, whose check reads it. */
  private static final byte[] SAMPLE = {
    0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, (byte) 0xcb, (byte) 0xca, (byte) 0xcc, 0x4d, (byte) 0xe7, 2, 0,
    0x75, 0x6c, (byte) 0xe8, (byte) 0xd9, 5, 0, 0, 0
  };

  /** The library, or null where it does not load or does not decode as the offsets above say it should. */
  static final Functions FUNCTIONS = load();

  /** Whether ISA-L loaded; where it did not, gzip is decoded by zlib. */
  static boolean loaded() {
    return FUNCTIONS != null;
  }

  /** Whether ISA-L's deflate works as the offsets above say; where it does not, gzip is encoded by zlib. */
  static boolean deflates() {
    return DeflateCheck.PASSED;
  }

  /** Checked on first use, so that an import, which only inflates, never pays for it. */
  private static final class DeflateCheck {
    static final boolean PASSED = FUNCTIONS != null && IsalChunkDeflater.encodesSample(FUNCTIONS);
  }

  private static Functions load() {
    if (jnr.ffi.Runtime.getSystemRuntime().addressSize() != 8) {
      return null; // the offsets above are LP64's
    }
    Functions functions;
    try {
      functions = LibraryLoader.create(Functions.class).failImmediately().load("libisal.so.2");
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null; // no ISA-L on this host: zlib decodes, more slowly
    }
    return decodesSample(functions) ? functions : null;
  }

  /**
   * Decodes a known member through the offsets above. The struct's layout is the library's own, with no version
   * to ask for: a library whose layout moved would not parse the header (crc_flag elsewhere) or not be seen to
   * finish (block_state elsewhere), and is then left unused rather than trusted with an image.
   */
  private static boolean decodesSample(Functions functions) {
    try {
      jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
      ByteBuffer state = NativeDecoderStream.direct(STATE_ALLOCATION);
      ByteBuffer in = NativeDecoderStream.direct(SAMPLE.length).put(SAMPLE).flip();
      ByteBuffer out = NativeDecoderStream.direct(64);
      Pointer statePointer = Pointer.wrap(runtime, state);
      functions.isal_inflate_init(statePointer);
      state.putInt(STATE_CRC_FLAG, ISAL_GZIP);
      state.putLong(STATE_NEXT_IN, Pointer.wrap(runtime, in).address());
      state.putInt(STATE_AVAIL_IN, SAMPLE.length);
      state.putLong(STATE_NEXT_OUT, Pointer.wrap(runtime, out).address());
      state.putInt(STATE_AVAIL_OUT, out.capacity());
      int ret = functions.isal_inflate(statePointer);
      byte[] decoded = new byte[out.capacity() - state.getInt(STATE_AVAIL_OUT)];
      out.get(0, decoded);
      return ret == ISAL_DECOMP_OK && state.getInt(STATE_BLOCK_STATE) == ISAL_BLOCK_FINISH
          && state.getInt(STATE_AVAIL_IN) == 0 && Arrays.equals(decoded, new byte[] {'j', 'i', 'm', 'g', '\n'});
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The name of an isal_inflate return, for messages. */
  static String name(int ret) {
    switch (ret) {
      case ISAL_DECOMP_OK: return "ISAL_DECOMP_OK";
      case ISAL_END_INPUT: return "ISAL_END_INPUT";
      case ISAL_OUT_OVERFLOW: return "ISAL_OUT_OVERFLOW";
      case ISAL_INVALID_BLOCK: return "ISAL_INVALID_BLOCK";
      case ISAL_INVALID_SYMBOL: return "ISAL_INVALID_SYMBOL";
      case ISAL_INVALID_LOOKBACK: return "ISAL_INVALID_LOOKBACK";
      case ISAL_INVALID_WRAPPER: return "ISAL_INVALID_WRAPPER";
      case ISAL_UNSUPPORTED_METHOD: return "ISAL_UNSUPPORTED_METHOD";
      case ISAL_INCORRECT_CHECKSUM: return "ISAL_INCORRECT_CHECKSUM";
      default: return "isal_inflate returned " + ret;
    }
  }
}
