package io.jimg.library;

/**
 * How an import makes its image. {@code sizeMax} bounds what is unpacked (or a disk image's size), in bytes, -1 for
 * no bound of the caller's: with or without it an import stops before the pool's filesystem drops below 5% free.
 * {@code ignoreZeros} and {@code keepSelinuxLabels} apply to tar archives only.
 */
public record ImportRequest(boolean force, boolean readOnly, long sizeMax, boolean ignoreZeros,
    boolean keepSelinuxLabels) {
  /** A new writable image that replaces nothing, no bound but the pool's free space, archives read as GNU tar does. */
  public static final ImportRequest DEFAULTS = new ImportRequest(false, false, -1, false, false);

  public ImportRequest {
    if (sizeMax < -1) {
      throw new IllegalArgumentException("sizeMax is a number of bytes, or -1 for none: " + sizeMax);
    }
  }
}
