package io.jimg.transfer.tar;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * What follows the end-of-archive marker. GNU tar (without {@code --ignore-zeros}), bsdtar, Go and Python stop at
 * the first zero block, so jimg does too: an archive followed by another one must not import as more than
 * {@code tar t} lists. The rest is still read to its end, so that a compressed stream proves its own end (its
 * checksums and trailer) and nothing is left unread in a pipe; those bytes count against the archive's header
 * limit, so endless zeros end with an error. A tar header there (a second archive, as {@code cat a.tar b.tar}
 * makes) is warned about; anything else (Maven's plexus-archiver leaves a newline) is ignored, as bsdtar does.
 */
final class ArchiveEnd {
  private ArchiveEnd() {}

  /** Counts bytes read outside file data against the archive's header limit; throws past it. */
  interface HeaderCount {
    void add(long bytes, long at) throws TarException;
  }

  /**
   * Reads from just after the first zero block to the end of the input. Where that block was the input's first
   * ({@code atStart}), bytes that follow the zeros and are no tar header show the input is no archive at all (a
   * filesystem image starts with zeros): that is an error, not an empty archive.
   */
  static void readTrailing(ByteSource in, HeaderCount count, Consumer<String> warnings, boolean atStart)
      throws IOException {
    byte[] block = new byte[TarHeader.BLOCK];
    long start = -1;
    boolean header = false;
    while (start < 0) {
      long at = in.offset();
      count.add(TarHeader.BLOCK, at);
      int n = in.read(block, 0, TarHeader.BLOCK);
      if (n == TarHeader.BLOCK && TarHeader.isZero(block)) {
        continue;
      }
      if (n == 0) {
        return;
      }
      start = at;
      header = n == TarHeader.BLOCK && TarHeader.checksumMatches(block);
      if (atStart && !header) {
        throw Contents.notATar(at, block, n);
      }
    }
    while (true) {
      int n = in.available();
      if (n == 0) {
        break;
      }
      count.add(n, in.offset());
      in.position += n;
    }
    if (header) {
      warnings.accept("data after the end of the archive ignored: " + (in.offset() - start)
          + " bytes, a second archive? (--ignore-zeros reads concatenated archives)");
    }
  }
}
