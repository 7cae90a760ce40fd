package io.jimg.transfer.compress;

import static io.jimg.transfer.compress.Libisal.ISAL_BLOCK_FINISH;
import static io.jimg.transfer.compress.Libisal.ISAL_GZIP;
import static io.jimg.transfer.compress.Libisal.ISAL_INCORRECT_CHECKSUM;
import static io.jimg.transfer.compress.Libisal.ISAL_INVALID_BLOCK;
import static io.jimg.transfer.compress.Libisal.ISAL_INVALID_LOOKBACK;
import static io.jimg.transfer.compress.Libisal.ISAL_INVALID_SYMBOL;
import static io.jimg.transfer.compress.Libisal.ISAL_INVALID_WRAPPER;
import static io.jimg.transfer.compress.Libisal.ISAL_UNSUPPORTED_METHOD;
import static io.jimg.transfer.compress.Libisal.STATE_AVAIL_IN;
import static io.jimg.transfer.compress.Libisal.STATE_AVAIL_OUT;
import static io.jimg.transfer.compress.Libisal.STATE_BLOCK_STATE;
import static io.jimg.transfer.compress.Libisal.STATE_CRC_FLAG;
import static io.jimg.transfer.compress.Libisal.STATE_NEXT_IN;
import static io.jimg.transfer.compress.Libisal.STATE_NEXT_OUT;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import jnr.ffi.Pointer;

/**
 * Decodes gzip with the system's ISA-L. Every member is read, as {@code gzip -d} reads them (pigz and
 * concatenated files write several), each with its header parsed and its CRC-32 and length checked by ISA-L;
 * anything after the last member that is not another member, and a truncation, are errors.
 *
 * <p>ISA-L's state and the input buffer are native memory too, and stay allocated until the stream is collected:
 * a close from another thread never frees what a running call uses.
 */
final class IgzipInputStream extends NativeDecoderStream {
  static final int INPUT = 256 * 1024;
  static final int OUTPUT = 1024 * 1024;

  private final Libisal.Functions isal;
  private final InputStream in;
  private final byte[] staging = new byte[INPUT];
  private final ByteBuffer state = direct(Libisal.STATE_ALLOCATION);
  private final Pointer statePointer;
  private final ByteBuffer input = direct(INPUT);
  private final long inputAddress;
  private boolean inputEnded;
  /** Whether the next input byte starts a member, whose header is checked before ISA-L parses it. */
  private boolean atMemberStart = true;

  private IgzipInputStream(Libisal.Functions isal, InputStream in) {
    super("gzip", OUTPUT);
    this.isal = isal;
    this.in = in;
    jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
    this.statePointer = Pointer.wrap(runtime, state);
    this.inputAddress = Pointer.wrap(runtime, input).address();
    isal.isal_inflate_init(statePointer);
    state.putInt(STATE_CRC_FLAG, ISAL_GZIP);
    state.putLong(STATE_NEXT_IN, inputAddress);
    state.putInt(STATE_AVAIL_IN, 0);
  }

  /** Decodes {@code in}, closing it on {@link #close()}; needs {@link Libisal#loaded()}. */
  static InputStream decode(InputStream in) {
    if (Libisal.FUNCTIONS == null) {
      throw new IllegalStateException("ISA-L is not loaded");
    }
    return new IgzipInputStream(Libisal.FUNCTIONS, in);
  }

  /**
   * Decodes into the emptied output buffer until some bytes come out or the input ends after a whole member,
   * starting the next member where one ends.
   */
  @Override
  void decodeMore() throws IOException {
    while (true) {
      if (state.getInt(STATE_BLOCK_STATE) == ISAL_BLOCK_FINISH && !startNextMember()) {
        end();
        return;
      }
      if (atMemberStart) {
        checkReservedFlags();
        atMemberStart = false;
      }
      if (state.getInt(STATE_AVAIL_IN) == 0 && !inputEnded) {
        refill();
      }
      int availableIn = state.getInt(STATE_AVAIL_IN);
      state.putLong(STATE_NEXT_OUT, outputAddress);
      state.putInt(STATE_AVAIL_OUT, OUTPUT);
      int ret;
      synchronized (lock) {
        if (closed) {
          throw closedError();
        }
        ret = isal.isal_inflate(statePointer);
      }
      if (ret < 0) {
        throw failure(ret);
      }
      int produced = OUTPUT - state.getInt(STATE_AVAIL_OUT);
      if (produced > 0) {
        decoded(produced);
        return;
      }
      if (state.getInt(STATE_BLOCK_STATE) == ISAL_BLOCK_FINISH) {
        continue;
      }
      int leftIn = state.getInt(STATE_AVAIL_IN);
      if (leftIn == 0 && inputEnded) {
        throw new IOException("truncated gzip data");
      }
      if (leftIn > 0 && leftIn == availableIn) {
        // Never the case for a sound ISA-L, which takes all input it is given; a loop here would spin forever.
        throw new IOException("corrupt gzip data (ISA-L took no input and gave no output)");
      }
    }
  }

  /**
   * After a member's trailer: true, with the state reset, where another member follows; false at the end of the
   * input; an error where other bytes follow.
   */
  private boolean startNextMember() throws IOException {
    int left = buffered(2);
    if (left == 0) {
      return false;
    }
    int at = nextIn();
    if (left < 2 || input.get(at) != 0x1f || input.get(at + 1) != (byte) 0x8b) {
      throw new IOException("gzip data has bytes after its last member that are no gzip member");
    }
    isal.isal_inflate_reset(statePointer);
    state.putInt(STATE_CRC_FLAG, ISAL_GZIP);
    state.putLong(STATE_NEXT_IN, inputAddress + at);
    state.putInt(STATE_AVAIL_IN, left);
    atMemberStart = true;
    return true;
  }

  /**
   * Refuses a member whose header sets flag bits RFC 1952 reserves, as gzip and zlib do: ISA-L ignores them, and
   * a decoder of hostile input takes nothing it cannot account for.
   */
  private void checkReservedFlags() throws IOException {
    if (buffered(4) < 4) {
      return; // ISA-L finds the header truncated
    }
    int flags = input.get(nextIn() + 3) & 0xff;
    if ((flags & 0xe0) != 0) {
      throw new IOException("gzip data with reserved header flags set (0x" + Integer.toHexString(flags) + ")");
    }
  }

  /** Reads until at least {@code bytes} wait for ISA-L or the input ends; returns how many wait. */
  private int buffered(int bytes) throws IOException {
    while (state.getInt(STATE_AVAIL_IN) < bytes && !inputEnded) {
      refill();
    }
    return state.getInt(STATE_AVAIL_IN);
  }

  /** Where in the input buffer ISA-L reads next. */
  private int nextIn() {
    return (int) (state.getLong(STATE_NEXT_IN) - inputAddress);
  }

  /** Moves the input ISA-L has not taken to the buffer's start and reads more after it. */
  private void refill() throws IOException {
    int left = state.getInt(STATE_AVAIL_IN);
    int at = nextIn();
    if (left > 0 && at > 0) {
      input.put(0, input, at, left);
    }
    int n = in.read(staging, 0, INPUT - left);
    if (n < 0) {
      inputEnded = true;
      n = 0;
    }
    input.put(left, staging, 0, n);
    state.putLong(STATE_NEXT_IN, inputAddress);
    state.putInt(STATE_AVAIL_IN, left + n);
  }

  private static IOException failure(int ret) {
    String problem;
    switch (ret) {
      case ISAL_INVALID_BLOCK:
      case ISAL_INVALID_SYMBOL:
      case ISAL_INVALID_LOOKBACK:
        problem = "corrupt gzip data";
        break;
      case ISAL_INVALID_WRAPPER:
        problem = "gzip data with a damaged member header";
        break;
      case ISAL_UNSUPPORTED_METHOD:
        problem = "gzip data compressed by another method than deflate";
        break;
      case ISAL_INCORRECT_CHECKSUM:
        problem = "gzip data that fails its CRC-32 or length check";
        break;
      default:
        problem = "ISA-L failed decoding gzip data";
    }
    return new IOException(problem + " (" + Libisal.name(ret) + ")");
  }

  @Override
  void closeSource() throws IOException {
    in.close();
  }
}
