package io.jimg.transfer.pull;

import io.jimg.images.JimgException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How to pull: {@code format} null means "from the URL's suffix"; {@code expectedSha256} is set only for
 * {@link Verification#DIGEST}. The cache keeps downloads unless {@code keepDownload} is false, and is trimmed to
 * {@code cacheMax} bytes; {@code sizeMax} caps the download. Made with {@link #builder()}, or changed from another
 * with {@link #toBuilder()}.
 */
public record PullOptions(ImageFormat format, Verification verification, String expectedSha256, List<Path> keyrings,
    boolean force, boolean readOnly, boolean settings, boolean keepDownload, long cacheMax, long sizeMax) {

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
    keyrings = List.copyOf(keyrings);
    if ((verification == Verification.DIGEST) != (expectedSha256 != null)) {
      throw new IllegalArgumentException("a digest goes with Verification.DIGEST only");
    }
  }

  /** Signature verification with systemd's keyrings, kept downloads and settings, the default caps. */
  public static PullOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.format = format;
    b.verification = verification;
    b.expectedSha256 = expectedSha256;
    b.keyrings = keyrings;
    b.force = force;
    b.readOnly = readOnly;
    b.settings = settings;
    b.keepDownload = keepDownload;
    b.cacheMax = cacheMax;
    b.sizeMax = sizeMax;
    return b;
  }

  /** Pull options, starting from the defaults. */
  public static final class Builder {
    private ImageFormat format;
    private Verification verification = Verification.SIGNATURE;
    private String expectedSha256;
    private List<Path> keyrings = List.of();
    private boolean force;
    private boolean readOnly;
    private boolean settings = true;
    private boolean keepDownload = true;
    private long cacheMax = DEFAULT_CACHE_MAX;
    private long sizeMax = DEFAULT_SIZE_MAX;

    private Builder() {}

    /** Parses {@code --verify=signature|checksum|no|SHA256HEX}. */
    public Builder verify(String value) throws JimgException {
      String v = value.toLowerCase(Locale.ROOT);
      switch (v) {
        case "signature" -> verification(Verification.SIGNATURE, null);
        case "checksum" -> verification(Verification.CHECKSUM, null);
        case "no" -> verification(Verification.NO, null);
        default -> {
          if (!v.matches("[0-9a-f]{64}")) {
            throw new JimgException(JimgException.Reason.USAGE,
                "--verify takes signature, checksum, no or a SHA-256 in 64 hex digits, not '" + value + "'");
          }
          verification(Verification.DIGEST, v);
        }
      }
      return this;
    }

    private void verification(Verification mode, String digest) {
      this.verification = mode;
      this.expectedSha256 = digest;
    }

    /** The download's format; null (the default) takes it from the URL's suffix. */
    public Builder format(ImageFormat value) {
      this.format = value;
      return this;
    }

    /** The keyrings to trust instead of systemd's. */
    public Builder keyrings(List<Path> value) {
      this.keyrings = value;
      return this;
    }

    public Builder force(boolean value) {
      this.force = value;
      return this;
    }

    public Builder readOnly(boolean value) {
      this.readOnly = value;
      return this;
    }

    /** Whether the image's {@code .nspawn} settings file, where the server has one, is installed beside it. */
    public Builder settings(boolean value) {
      this.settings = value;
      return this;
    }

    public Builder keepDownload(boolean value) {
      this.keepDownload = value;
      return this;
    }

    public Builder cacheMax(long value) {
      this.cacheMax = value;
      return this;
    }

    public Builder sizeMax(long value) {
      this.sizeMax = value;
      return this;
    }

    public PullOptions build() {
      return new PullOptions(format, verification, expectedSha256, keyrings, force, readOnly, settings, keepDownload,
          cacheMax, sizeMax);
    }
  }
}
