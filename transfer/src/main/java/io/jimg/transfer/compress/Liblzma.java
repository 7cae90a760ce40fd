package io.jimg.transfer.compress;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * The system's liblzma (5.4 or newer, for its multi-threaded decoder), bound with jnr-ffi: the calls, constants and
 * struct layouts {@link LzmaInputStream} uses, and nothing else. Debian's dpkg, apt and systemd depend on the
 * library, so it is on every host jimg targets; where it does not load, xz is decoded by org.tukaani:xz.
 */
final class Liblzma {
  private Liblzma() {}

  /** The calls, as declared in {@code <lzma/base.h>} and {@code <lzma/container.h>}. */
  public interface Functions {
    int lzma_stream_decoder_mt(Pointer stream, Pointer options);

    int lzma_code(Pointer stream, int action);

    void lzma_end(Pointer stream);
  }

  /** The library, or null where it does not load or is older than 5.4. */
  static final Functions FUNCTIONS = load();

  /** Whether liblzma loaded; where it did not, xz is decoded by org.tukaani:xz. */
  static boolean loaded() {
    return FUNCTIONS != null;
  }

  private static Functions load() {
    if (jnr.ffi.Runtime.getSystemRuntime().addressSize() != 8) {
      return null; // the offsets below are LP64's
    }
    try {
      return LibraryLoader.create(Functions.class).failImmediately().load("liblzma.so.5");
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null; // no liblzma 5.4 on this host: org.tukaani:xz decodes, more slowly
    }
  }

  // lzma_ret, <lzma/base.h>.
  static final int LZMA_OK = 0;
  static final int LZMA_STREAM_END = 1;
  static final int LZMA_UNSUPPORTED_CHECK = 3;
  static final int LZMA_MEM_ERROR = 5;
  static final int LZMA_MEMLIMIT_ERROR = 6;
  static final int LZMA_FORMAT_ERROR = 7;
  static final int LZMA_OPTIONS_ERROR = 8;
  static final int LZMA_DATA_ERROR = 9;
  static final int LZMA_BUF_ERROR = 10;
  static final int LZMA_PROG_ERROR = 11;

  // lzma_action, <lzma/base.h>.
  static final int LZMA_RUN = 0;
  static final int LZMA_FINISH = 3;

  // Decoder flags, <lzma/container.h>.
  static final int LZMA_TELL_UNSUPPORTED_CHECK = 0x02;
  static final int LZMA_CONCATENATED = 0x08;

  // lzma_stream, <lzma/base.h>, on LP64 (size_t and pointers of 8 bytes); all zero is LZMA_STREAM_INIT.
  static final int STREAM_SIZE = 136;
  static final int STREAM_NEXT_IN = 0;
  static final int STREAM_AVAIL_IN = 8;
  static final int STREAM_NEXT_OUT = 24;
  static final int STREAM_AVAIL_OUT = 32;

  // lzma_mt, <lzma/container.h>, on LP64; fields left zero are unused by the decoder or reserved.
  static final int MT_SIZE = 128;
  static final int MT_FLAGS = 0;
  static final int MT_THREADS = 4;
  static final int MT_TIMEOUT = 16;
  static final int MT_MEMLIMIT_THREADING = 64;
  static final int MT_MEMLIMIT_STOP = 72;

  /** The name of an lzma_ret, for messages. */
  static String name(int ret) {
    switch (ret) {
      case LZMA_OK: return "LZMA_OK";
      case LZMA_STREAM_END: return "LZMA_STREAM_END";
      case 2: return "LZMA_NO_CHECK";
      case LZMA_UNSUPPORTED_CHECK: return "LZMA_UNSUPPORTED_CHECK";
      case 4: return "LZMA_GET_CHECK";
      case LZMA_MEM_ERROR: return "LZMA_MEM_ERROR";
      case LZMA_MEMLIMIT_ERROR: return "LZMA_MEMLIMIT_ERROR";
      case LZMA_FORMAT_ERROR: return "LZMA_FORMAT_ERROR";
      case LZMA_OPTIONS_ERROR: return "LZMA_OPTIONS_ERROR";
      case LZMA_DATA_ERROR: return "LZMA_DATA_ERROR";
      case LZMA_BUF_ERROR: return "LZMA_BUF_ERROR";
      case LZMA_PROG_ERROR: return "LZMA_PROG_ERROR";
      default: return "lzma_ret " + ret;
    }
  }
}
