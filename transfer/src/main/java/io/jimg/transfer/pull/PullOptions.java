package io.jimg.transfer.pull;

import io.jimg.btrfs.ReadOnly;
import io.jimg.images.JimgException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How to pull: {@code format} null means "from the URL's suffix"; {@code expectedSha256} is set only for
 * {@link Verification#DIGEST}. The cache keeps downloads unless {@code keepDownload} is false, and is trimmed to
 * {@code cacheMax} bytes; {@code sizeMax} caps the download.
 */
public record PullOptions(ImageFormat format, Verification verification, String expectedSha256, List<Path> keyrings,
    boolean force, ReadOnly readOnly, boolean settings, boolean keepDownload, long cacheMax, long sizeMax) {

  /** What proves a download is the one its publisher meant. */
  public enum Verification {
    /** SHA256SUMS (or {@code <file>.sha256}) signed by a trusted key: proves who made the image. */
    SIGNATURE,
    /** SHA256SUMS only: catches corruption, proves nothing about who made the image. */
    CHECKSUM,
    /** Nothing at all. */
    NO,
    /** A SHA-256 the user gave on the command line. */
    DIGEST
  }

  public static final long DEFAULT_CACHE_MAX = 8L << 30;
  public static final long DEFAULT_SIZE_MAX = 64L << 30;

  public PullOptions {
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(readOnly, "readOnly");
    keyrings = List.copyOf(keyrings);
    if ((verification == Verification.DIGEST) != (expectedSha256 != null)) {
      throw new IllegalArgumentException("a digest goes with Verification.DIGEST only");
    }
  }

  public static PullOptions defaults() {
    return new PullOptions(null, Verification.SIGNATURE, null, List.of(), false, ReadOnly.NO, true, true,
        DEFAULT_CACHE_MAX, DEFAULT_SIZE_MAX);
  }

  /** Parses {@code --verify=signature|checksum|no|SHA256HEX}. */
  public PullOptions withVerify(String value) throws JimgException {
    String v = value.toLowerCase(Locale.ROOT);
    return switch (v) {
      case "signature" -> with(Verification.SIGNATURE, null);
      case "checksum" -> with(Verification.CHECKSUM, null);
      case "no" -> with(Verification.NO, null);
      default -> {
        if (!v.matches("[0-9a-f]{64}")) {
          throw new JimgException(JimgException.Reason.USAGE,
              "--verify takes signature, checksum, no or a SHA-256 in 64 hex digits, not '" + value + "'");
        }
        yield with(Verification.DIGEST, v);
      }
    };
  }

  private PullOptions with(Verification mode, String digest) {
    return new PullOptions(format, mode, digest, keyrings, force, readOnly, settings, keepDownload, cacheMax, sizeMax);
  }

  public PullOptions withFormat(ImageFormat value) {
    return new PullOptions(value, verification, expectedSha256, keyrings, force, readOnly, settings, keepDownload,
        cacheMax, sizeMax);
  }

  public PullOptions withKeyrings(List<Path> value) {
    return new PullOptions(format, verification, expectedSha256, value, force, readOnly, settings, keepDownload,
        cacheMax, sizeMax);
  }

  public PullOptions withForce(boolean value) {
    return new PullOptions(format, verification, expectedSha256, keyrings, value, readOnly, settings, keepDownload,
        cacheMax, sizeMax);
  }

  public PullOptions withReadOnly(ReadOnly value) {
    return new PullOptions(format, verification, expectedSha256, keyrings, force, value, settings, keepDownload,
        cacheMax, sizeMax);
  }

  public PullOptions withSettings(boolean value) {
    return new PullOptions(format, verification, expectedSha256, keyrings, force, readOnly, value, keepDownload,
        cacheMax, sizeMax);
  }

  public PullOptions withKeepDownload(boolean value) {
    return new PullOptions(format, verification, expectedSha256, keyrings, force, readOnly, settings, value,
        cacheMax, sizeMax);
  }

  public PullOptions withCacheMax(long value) {
    return new PullOptions(format, verification, expectedSha256, keyrings, force, readOnly, settings, keepDownload,
        value, sizeMax);
  }

  public PullOptions withSizeMax(long value) {
    return new PullOptions(format, verification, expectedSha256, keyrings, force, readOnly, settings, keepDownload,
        cacheMax, value);
  }
}
