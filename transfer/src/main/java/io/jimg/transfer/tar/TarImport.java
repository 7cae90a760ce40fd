package io.jimg.transfer.tar;

import io.jimg.btrfs.Fd;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.compress.DecoderLimits;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ThreadFactory;

/**
 * Unpacks a tar archive (compressed or not, detected by magic bytes) into an empty root directory, faithfully
 * and safely: see {@link Extraction} for what a hostile archive cannot do. Decoding runs on its own thread.
 *
 * <pre>
 * TarImport.builder().sizeMax(10L &lt;&lt; 30).listener(listener).build().extract(in, root);
 * </pre>
 */
public final class TarImport {
  final long sizeMax;
  final boolean keepTrustedXattrs;
  final boolean keepSelinuxLabels;
  private final DecoderLimits limits;
  private final StoreListener listener;
  private final long inputSize;
  private final ThreadFactory threads;

  private TarImport(Builder b) {
    this.sizeMax = b.sizeMax;
    this.keepTrustedXattrs = b.keepTrustedXattrs;
    this.keepSelinuxLabels = b.keepSelinuxLabels;
    this.limits = b.limits;
    this.listener = b.listener;
    this.inputSize = b.inputSize;
    this.threads = b.threads;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private long sizeMax = -1;
    private boolean keepTrustedXattrs;
    private boolean keepSelinuxLabels;
    private DecoderLimits limits = DecoderLimits.DEFAULT;
    private StoreListener listener = StoreListener.NONE;
    private long inputSize = -1;
    private ThreadFactory threads = task -> {
      Thread thread = new Thread(task, "jimg-tar-decoder");
      thread.setDaemon(true);
      return thread;
    };

    private Builder() {}

    /**
     * The most bytes the archive may unpack to; -1 (the default) instead stops the import before the
     * filesystem drops below 5% free space.
     */
    public Builder sizeMax(long bytes) {
      if (bytes < -1) {
        throw new IllegalArgumentException("size limit must be -1 or at least 0: " + bytes);
      }
      this.sizeMax = bytes;
      return this;
    }

    /** Restores {@code trusted.*} xattrs, which are dropped by default: they steer privileged tools. */
    public Builder keepTrustedXattrs(boolean keep) {
      this.keepTrustedXattrs = keep;
      return this;
    }

    /** Restores {@code security.selinux} labels, dropped by default since they are the host policy's. */
    public Builder keepSelinuxLabels(boolean keep) {
      this.keepSelinuxLabels = keep;
      return this;
    }

    public Builder decoderLimits(DecoderLimits limits) {
      this.limits = java.util.Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder listener(StoreListener listener) {
      this.listener = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The archive's size in bytes where known, so that progress can say how far along it is. */
    public Builder inputSize(long bytes) {
      this.inputSize = bytes;
      return this;
    }

    public Builder threads(ThreadFactory threads) {
      this.threads = java.util.Objects.requireNonNull(threads, "threads");
      return this;
    }

    public TarImport build() {
      return new TarImport(this);
    }
  }

  /** What an import did. */
  public record Summary(Compression compression, long entries, long archiveBytes, long tarBytes) {}

  /** Unpacks {@code archive} into {@code root}, which should be empty. Closes {@code archive}. */
  public Summary extract(InputStream archive, Fd root) throws IOException {
    CountingInputStream counted = new CountingInputStream(archive);
    BufferedInputStream buffered = new BufferedInputStream(counted, 256 * 1024);
    Compression compression;
    InputStream decoded;
    try {
      compression = Compression.detect(buffered);
      decoded = compression.decoder(buffered, limits);
    } catch (IOException e) {
      buffered.close();
      throw e instanceof JimgException ? e : new JimgException(JimgException.Reason.FAILED,
          "cannot read the archive: " + e.getMessage(), e);
    }
    Extraction extraction = new Extraction(root, this);
    try (DecodingSource source = new DecodingSource(decoded, threads)) {
      TarReader reader = new TarReader(source);
      long lastReport = System.nanoTime();
      TarEntry entry;
      while ((entry = next(reader, compression)) != null) {
        extraction.extract(entry, reader);
        long now = System.nanoTime();
        if (now - lastReport > 100_000_000L) {
          lastReport = now;
          listener.progress(new Progress("import-tar", counted.count(), inputSize, extraction.entries));
        }
      }
      extraction.finish();
      listener.progress(new Progress("import-tar", counted.count(), inputSize, extraction.entries));
      return new Summary(compression, extraction.entries, counted.count(), reader.offset());
    } finally {
      extraction.closeDirectories();
    }
  }

  private static TarEntry next(TarReader reader, Compression compression) throws IOException {
    try {
      return reader.next();
    } catch (JimgException e) {
      throw e;
    } catch (IOException e) {
      throw new TarException("cannot read the " + compression.formatName() + " archive at byte " + reader.offset()
          + " of its tar stream: " + e.getMessage(), e);
    }
  }
}
