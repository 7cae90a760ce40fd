package io.jimg.transfer.tar;

import java.io.IOException;
import java.io.InputStream;

/** A {@link ByteSource} over a stream, read on the caller's thread. */
final class StreamSource extends ByteSource {
  private final InputStream in;
  private final byte[] chunk;

  StreamSource(InputStream in, int chunkSize) {
    this.in = in;
    this.chunk = new byte[chunkSize];
  }

  @Override
  protected boolean fill() throws IOException {
    int n = in.read(chunk, 0, chunk.length);
    if (n < 0) {
      return false;
    }
    window(chunk, 0, n);
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
