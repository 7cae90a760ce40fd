package io.jimg.transfer.tar;

import java.io.IOException;

/** Receives an entry's data in pieces, each at its offset in the expanded file. */
@FunctionalInterface
interface DataSink {
  void write(byte[] buffer, int offset, int length, long fileOffset) throws IOException;
}
