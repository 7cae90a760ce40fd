package io.jimg.transfer.compress;

/**
 * Memory a decoder may use, so that a crafted header cannot make it allocate without bound: the xz
 * dictionary limit in bytes and the largest zstd window as a power of two.
 */
public record DecoderLimits(long xzMemoryBytes, int zstdWindowLog) {
  /** 256 MiB for xz (xz -9 needs 65 MiB), windows up to 2^27 for zstd (libzstd's own default). */
  public static final DecoderLimits DEFAULT = new DecoderLimits(256L << 20, 27);

  public DecoderLimits {
    if (xzMemoryBytes < (1 << 20)) {
      throw new IllegalArgumentException("xz memory limit below 1 MiB: " + xzMemoryBytes);
    }
    if (zstdWindowLog < 10 || zstdWindowLog > 31) {
      throw new IllegalArgumentException("zstd window log outside 10..31: " + zstdWindowLog);
    }
  }

  int xzMemoryKiB() {
    return (int) Math.min(Integer.MAX_VALUE, xzMemoryBytes >> 10);
  }
}
