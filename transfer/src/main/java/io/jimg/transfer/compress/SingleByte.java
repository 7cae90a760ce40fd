package io.jimg.transfer.compress;

import java.io.IOException;
import java.io.InputStream;

/** InputStream's one-byte read for the decoders here, which all read in bulk. */
final class SingleByte {
  private SingleByte() {}

  /** The next byte of {@code in} through its bulk read, or -1 at the end. */
  static int read(InputStream in) throws IOException {
    byte[] one = new byte[1];
    return in.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }
}
