package io.jimg.transfer.compress;

/**
 * Compression formats jimg recognises but does not read, so that such a file is named for what it is instead of
 * failing as a tar archive with a bad first header. Recognised by magic bytes only where the input is no tar
 * header (a file named "]" starts like lzma-alone).
 */
public enum UnreadCompression {
  COMPRESS("compress (.Z)", "uncompress", 0x1f, 0x9d),
  LZ4("lz4", "lz4 -d", 0x04, 0x22, 0x4d, 0x18),
  LZ4_LEGACY("lz4", "lz4 -d", 0x02, 0x21, 0x4c, 0x18),
  LZIP("lzip", "lzip -d", 'L', 'Z', 'I', 'P'),
  LZOP("lzop", "lzop -d", 0x89, 'L', 'Z', 'O', 0x00, 0x0d),
  GRZIP("grzip", "grzip -d", 'G', 'R', 'Z', 'i', 'p'),
  LRZIP("lrzip", "lrzip -d", 'L', 'R', 'Z', 'I'),
  /** The lzma-alone header: lc/lp/pb 3/0/2 and a non-zero dictionary size. */
  LZMA("lzma (lzma-alone)", "unlzma", 0x5d);

  private final String formatName;
  private final String command;
  private final int[] magic;

  UnreadCompression(String formatName, String command, int... magic) {
    this.formatName = formatName;
    this.command = command;
    this.magic = magic;
  }

  /** The format whose magic {@code head} starts with, or null. */
  public static UnreadCompression detect(byte[] head, int length) {
    for (UnreadCompression format : values()) {
      if (format.matches(head, length)) {
        return format;
      }
    }
    return null;
  }

  private boolean matches(byte[] head, int length) {
    if (length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return this != LZMA || (length >= 5 && (head[1] | head[2] | head[3] | head[4]) != 0);
  }

  /** What to tell a person: "FILE is compressed with lz4, which jimg does not read; ...". */
  public String message(String file) {
    return file + " is compressed with " + formatName + ", which jimg does not read; decompress it first ("
        + command + ") or use xz, gzip, bzip2 or zstd";
  }
}
