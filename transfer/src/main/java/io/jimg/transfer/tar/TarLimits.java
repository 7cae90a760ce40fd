package io.jimg.transfer.tar;

/**
 * What a tar import may hold besides file data, so that an archive of millions of empty entries or of endless
 * extended headers ends with an error naming the limit, not with the heap or the inodes exhausted: the entries it
 * creates, the bytes of its headers and extended headers (PAX, GNU long names, global headers, end blocks), and
 * the memory for the paths an import keeps until its end (the names it made, for hard links and replacements, and
 * each directory's metadata, applied last).
 */
public record TarLimits(long entries, long headerBytes, long pathMemoryBytes) {
  /**
   * Four million entries (a full desktop root holds some 500,000), 8 GiB of headers (2 KiB for each of them, GNU
   * tar's PAX format takes 1.5), and half the Java heap for paths: some 800,000 in the command's 256 MiB.
   */
  public static final TarLimits DEFAULT =
      new TarLimits(4_000_000, 8L << 30, Runtime.getRuntime().maxMemory() / 2);

  public TarLimits {
    if (entries < 1 || headerBytes < 1 || pathMemoryBytes < 1) {
      throw new IllegalArgumentException("tar limits must be positive: " + entries + ", " + headerBytes + ", "
          + pathMemoryBytes);
    }
  }
}
