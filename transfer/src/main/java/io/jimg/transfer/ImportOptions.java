package io.jimg.transfer;

import io.jimg.images.Cancellation;
import io.jimg.images.StoreListener;
import io.jimg.transfer.compress.DecoderLimits;
import io.jimg.transfer.tar.TarLimits;
import java.util.Objects;

/**
 * What an import unpacks within and reports to, one record for the three import builders ({@link Importer}'s, and
 * the tar and raw importers' it hands the work to), which all extend {@link Builder}: each option is set in one
 * place and passed down whole. A raw import has no use for the tar options ({@code keepTrustedXattrs},
 * {@code keepSelinuxLabels}, {@code ignoreZeros}, {@code tarLimits}) and ignores them.
 *
 * @param sizeMax the most bytes of data an import may unpack to (and the largest disk image), -1 for no cap; the
 *     pool's filesystem keeps its 5% reserve either way
 * @param keepTrustedXattrs restores {@code trusted.*} xattrs, dropped by default: they steer privileged tools
 * @param keepSelinuxLabels restores {@code security.selinux} labels, dropped by default: they are the host
 *     policy's
 * @param ignoreZeros reads a tar archive on past its end-of-archive marker, as GNU tar's {@code --ignore-zeros}
 *     does, so that archives concatenated on purpose are read whole; by default the archive ends at the marker, as
 *     every tar reader ends it, and a second archive after it is warned about and ignored
 * @param decoderLimits what a decompressor may take
 * @param tarLimits the most entries, header bytes and memory for paths a tar archive may take
 * @param cancellation what stops the import: checked before anything is made, between entries, and between blocks
 *     of 1 MiB (tar, raw, a qcow2 spool and its conversion) or 64 MiB (import-fs, whose kernel copy takes larger
 *     steps), on every thread that does the work, so that a cancel is noticed within one of them; a reader waiting
 *     for its decoder is woken at once. The import then fails with {@code CANCELLED}, its threads ended, its
 *     temporary, spool and lock file removed and nothing under the name. A cancel that comes once the image is
 *     whole is too late: the store publishes it by rename, and the import completes.
 */
public record ImportOptions(long sizeMax, boolean keepTrustedXattrs, boolean keepSelinuxLabels, boolean ignoreZeros,
    DecoderLimits decoderLimits, TarLimits tarLimits, StoreListener listener, Cancellation cancellation) {
  public static final ImportOptions DEFAULT = new ImportOptions(-1, false, false, false, DecoderLimits.DEFAULT,
      TarLimits.DEFAULT, StoreListener.NONE, Cancellation.NEVER);

  public ImportOptions {
    if (sizeMax < -1) {
      throw new IllegalArgumentException("size limit must be -1 or at least 0: " + sizeMax);
    }
    Objects.requireNonNull(decoderLimits, "decoderLimits");
    Objects.requireNonNull(tarLimits, "tarLimits");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancellation, "cancellation");
  }

  /** The setters of every import builder; {@code B} is the builder itself, so that calls chain. */
  public abstract static class Builder<B extends Builder<B>> extends WorkBuilder<B> {
    private long sizeMax = DEFAULT.sizeMax;
    private boolean keepTrustedXattrs = DEFAULT.keepTrustedXattrs;
    private boolean keepSelinuxLabels = DEFAULT.keepSelinuxLabels;
    private boolean ignoreZeros = DEFAULT.ignoreZeros;
    private DecoderLimits decoderLimits = DEFAULT.decoderLimits;
    private TarLimits tarLimits = DEFAULT.tarLimits;

    protected Builder() {}

    /** See {@link ImportOptions#sizeMax()}. */
    public B sizeMax(long bytes) {
      this.sizeMax = bytes;
      return self();
    }

    public B keepTrustedXattrs(boolean keep) {
      this.keepTrustedXattrs = keep;
      return self();
    }

    public B keepSelinuxLabels(boolean keep) {
      this.keepSelinuxLabels = keep;
      return self();
    }

    public B ignoreZeros(boolean ignore) {
      this.ignoreZeros = ignore;
      return self();
    }

    public B decoderLimits(DecoderLimits limits) {
      this.decoderLimits = Objects.requireNonNull(limits, "limits");
      return self();
    }

    public B tarLimits(TarLimits limits) {
      this.tarLimits = Objects.requireNonNull(limits, "limits");
      return self();
    }

    /** Takes every option from {@code options}, as an importer passes its own down to the tar or raw one. */
    public B options(ImportOptions options) {
      this.sizeMax = options.sizeMax;
      this.keepTrustedXattrs = options.keepTrustedXattrs;
      this.keepSelinuxLabels = options.keepSelinuxLabels;
      this.ignoreZeros = options.ignoreZeros;
      this.decoderLimits = options.decoderLimits;
      this.tarLimits = options.tarLimits;
      return listener(options.listener).cancellation(options.cancellation);
    }

    /** The options set so far. */
    protected ImportOptions importOptions() {
      return new ImportOptions(sizeMax, keepTrustedXattrs, keepSelinuxLabels, ignoreZeros, decoderLimits, tarLimits,
          listenerSet(), cancellationSet());
    }
  }
}
