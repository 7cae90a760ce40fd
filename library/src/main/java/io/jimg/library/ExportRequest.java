package io.jimg.library;

import io.jimg.transfer.compress.Compression;

/**
 * How an export writes: {@code format} null chooses the compression by the file's suffix (none on a stream);
 * {@code mode} -1 gives a new file 0600 and a replaced file its own mode.
 */
public record ExportRequest(Compression format, int mode) {
  public static final ExportRequest DEFAULTS = new ExportRequest(null, -1);

  public ExportRequest {
    if (mode < -1 || mode > 07777) {
      throw new IllegalArgumentException("a file mode is 0 to 07777, or -1 for the default, not " + mode);
    }
  }
}
