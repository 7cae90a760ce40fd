package io.jimg.transfer.compress;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The compression formats jimg reads and writes. Input is recognised by its magic bytes, never by its name;
 * output is chosen by name or file suffix. Each codec's classes load only when that format is first used, and a
 * codec missing from the class path is named in the error.
 */
public enum Compression {
  NONE("uncompressed", "", null),
  GZIP("gzip", ".gz", "commons-compress"),
  XZ("xz", ".xz", "org.tukaani:xz"),
  BZIP2("bzip2", ".bz2", "commons-compress"),
  ZSTD("zstd", ".zst", "com.github.luben:zstd-jni");

  /** How many bytes {@link #detect} needs to see. */
  public static final int MAGIC_LENGTH = 6;

  private final String formatName;
  private final String suffix;
  private final String library;

  Compression(String formatName, String suffix, String library) {
    this.formatName = formatName;
    this.suffix = suffix;
    this.library = library;
  }

  /** The name users give with {@code --format}. */
  public String formatName() {
    return formatName;
  }

  /** The file suffix this format adds, such as {@code .xz}; empty for {@link #NONE}. */
  public String suffix() {
    return suffix;
  }

  /** Recognises a format from the first bytes of a stream (fewer than {@link #MAGIC_LENGTH} at its end). */
  public static Compression detect(byte[] head, int length) {
    if (startsWith(head, length, 0x1f, 0x8b)) {
      return GZIP;
    }
    if (startsWith(head, length, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
      return XZ;
    }
    if (startsWith(head, length, 'B', 'Z', 'h') && length > 3 && head[3] >= '1' && head[3] <= '9') {
      return BZIP2;
    }
    if (startsWith(head, length, 0x28, 0xb5, 0x2f, 0xfd)) {
      return ZSTD;
    }
    // A zstd skippable frame (0x184D2A50..5F, little-endian) may come first.
    if (length >= 4 && (head[0] & 0xf0) == 0x50 && (head[1] & 0xff) == 0x2a && (head[2] & 0xff) == 0x4d
        && (head[3] & 0xff) == 0x18) {
      return ZSTD;
    }
    return NONE;
  }

  private static boolean startsWith(byte[] head, int length, int... magic) {
    if (length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** Peeks at a buffered stream's first bytes without consuming them. */
  public static Compression detect(BufferedInputStream in) throws IOException {
    in.mark(MAGIC_LENGTH);
    byte[] head = new byte[MAGIC_LENGTH];
    int length = 0;
    while (length < head.length) {
      int n = in.read(head, length, head.length - length);
      if (n < 0) {
        break;
      }
      length += n;
    }
    in.reset();
    return detect(head, length);
  }

  /** The format a file name's suffix asks for ({@code .tar.xz}, {@code .txz}, {@code .raw.zst}...), or null. */
  public static Compression fromFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz") || name.endsWith(".tgz")) {
      return GZIP;
    }
    if (name.endsWith(".xz") || name.endsWith(".txz")) {
      return XZ;
    }
    if (name.endsWith(".bz2") || name.endsWith(".tbz2") || name.endsWith(".tbz")) {
      return BZIP2;
    }
    if (name.endsWith(".zst") || name.endsWith(".tzst") || name.endsWith(".zstd")) {
      return ZSTD;
    }
    return null;
  }

  /** The format named by {@code --format}: xz, gzip, bzip2, zstd or uncompressed (and their usual short names). */
  public static Compression fromFormatName(String format) throws JimgException {
    switch (format.toLowerCase(Locale.ROOT)) {
      case "uncompressed": case "none": case "tar": case "raw":
        return NONE;
      case "gzip": case "gz":
        return GZIP;
      case "xz":
        return XZ;
      case "bzip2": case "bz2":
        return BZIP2;
      case "zstd": case "zst":
        return ZSTD;
      default:
        throw new JimgException(Reason.USAGE,
            "unknown compression format '" + format + "' (use xz, gzip, bzip2, zstd or uncompressed)");
    }
  }

  /**
   * A stream of the decoded bytes. Concatenated gzip members, xz streams and zstd frames are all read to the
   * end; bytes after the last member that are not another member are an error, never silently dropped.
   */
  public InputStream decoder(InputStream in, DecoderLimits limits) throws IOException {
    try {
      switch (this) {
        case NONE:
          return in;
        case GZIP:
          return Codecs.gzipDecoder(in);
        case XZ:
          return Codecs.xzDecoder(in, limits);
        case BZIP2:
          return Codecs.bzip2Decoder(in);
        case ZSTD:
          return Codecs.zstdDecoder(in, limits);
        default:
          throw new AssertionError(this);
      }
    } catch (LinkageError e) {
      throw missing(e);
    }
  }

  /**
   * A stream that encodes into {@code out}; closing it finishes the format and closes {@code out}. {@code
   * threads} above 1 lets xz, gzip and zstd compress on several threads (gzip still as one member, since
   * systemd 252 reads only the first); bzip2 stays single-threaded.
   */
  public OutputStream encoder(OutputStream out, int threads) throws IOException {
    return encoder(out, threads, Cancellation.NEVER);
  }

  /**
   * As {@link #encoder(OutputStream, int)}, for work that {@code cancellation} stops: the workers of gzip and xz
   * on several threads then drop what they have not compressed, and end, when the encoder is closed.
   */
  public OutputStream encoder(OutputStream out, int threads, Cancellation cancellation) throws IOException {
    try {
      switch (this) {
        case NONE:
          return out;
        case GZIP:
          return threads > 1 ? new ParallelGzipOutputStream(out, threads, cancellation, ParallelGzipOutputStream.ZLIB)
              : Codecs.gzipEncoder(out);
        case XZ:
          return threads > 1 ? new ParallelXzOutputStream(out, threads, cancellation) : Codecs.xzEncoder(out);
        case BZIP2:
          return Codecs.bzip2Encoder(out);
        case ZSTD:
          return Codecs.zstdEncoder(out, threads);
        default:
          throw new AssertionError(this);
      }
    } catch (LinkageError e) {
      throw missing(e);
    }
  }

  /**
   * As {@link #encoder(OutputStream, int, Cancellation)}, for bytes compressed again each time they are sent (an
   * OCI layer at each push), where time counts for more than the last percent of size: gzip through ISA-L's
   * deflate where it loads, 15 times as fast as zlib's level 6 for 7 % more bytes, on worker threads even where
   * {@code threads} is 1; every other format as {@code encoder} compresses it.
   */
  public OutputStream fastEncoder(OutputStream out, int threads, Cancellation cancellation) throws IOException {
    if (this == GZIP && Libisal.deflates()) {
      return new ParallelGzipOutputStream(out, threads, cancellation, new IsalChunkDeflater(Libisal.FUNCTIONS));
    }
    return encoder(out, threads, cancellation);
  }

  JimgException missing(LinkageError e) {
    return new JimgException(Reason.FAILED,
        "the " + formatName + " codec (" + library + ") is missing or cannot load: " + e.getMessage(), e);
  }
}
