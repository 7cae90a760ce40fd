package io.jimg.transfer.tar;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.btrfs.Fd;
import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.ImportOptions;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.compress.DecoderLimits;
import io.jimg.transfer.compress.ParallelXzInputStream;
import io.jimg.transfer.compress.UnreadCompression;
import io.jimg.transfer.raw.WriteBudget;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadFactory;

/**
 * Unpacks a tar archive (compressed or not, detected by magic bytes) into an empty root directory, faithfully
 * and safely: see {@link Extraction} for what a hostile archive cannot do. Decoding runs on its own thread. What it
 * writes stays within {@code sizeMax} and the filesystem's reserve ({@link WriteBudget}), what it holds within
 * its {@link TarLimits}.
 *
 * <pre>
 * TarImport.builder().sizeMax(10L &lt;&lt; 30).listener(listener).build().extract(in, root);
 * </pre>
 */
public final class TarImport {
  final long sizeMax;
  final TarLimits limits;
  final boolean keepTrustedXattrs;
  final boolean keepSelinuxLabels;
  /** Whether entries go onto a tree already there, as an OCI layer onto its parents: see {@link Builder#overlay}. */
  final boolean overlay;
  private final boolean ignoreZeros;
  private final DecoderLimits decoderLimits;
  private final StoreListener listener;
  private final long inputSize;
  private final ThreadFactory threads;
  private final int decoderThreads;
  private final Cancellation cancellation;

  private TarImport(Builder b, ImportOptions options) {
    this.decoderThreads = b.decoderThreads;
    this.sizeMax = options.sizeMax();
    this.keepTrustedXattrs = options.keepTrustedXattrs();
    this.keepSelinuxLabels = options.keepSelinuxLabels();
    this.ignoreZeros = options.ignoreZeros();
    this.limits = options.tarLimits();
    this.decoderLimits = options.decoderLimits();
    this.listener = options.listener();
    this.cancellation = options.cancellation();
    this.inputSize = b.inputSize;
    this.threads = b.threads;
    this.overlay = b.overlay;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@link ImportOptions} (the size cap, what to keep, the limits, the listener), and the tar import's own. */
  public static final class Builder extends ImportOptions.Builder<Builder> {
    private long inputSize = -1;
    private ThreadFactory threads = DaemonThreads.named("jimg-tar");

    private int decoderThreads = Runtime.getRuntime().availableProcessors();
    private boolean overlay;

    private Builder() {}

    /** Threads that may decode a multi-block xz file at once; 1 decodes on one thread. */
    public Builder decoderThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("decoder threads must be at least 1: " + threads);
      }
      this.decoderThreads = threads;
      return this;
    }

    /** The archive's size in bytes where known, so that progress can say how far along it is. */
    public Builder inputSize(long bytes) {
      this.inputSize = bytes;
      return this;
    }

    /**
     * Applies the archive as an OCI image layer onto the tree its root already holds (its parent layers'): an entry
     * replaces what the layers below had at its path (a non-directory replaces a directory with all it holds; a
     * directory onto a directory keeps what is in it and takes the entry's metadata), {@code .wh.} whiteouts remove
     * from the layers below and never become files, and a hard link may name a file of the layers below. Every
     * other rule of an import holds; what this one archive does to itself is refused as in any import.
     */
    public Builder overlay(boolean overlay) {
      this.overlay = overlay;
      return this;
    }

    public Builder threads(ThreadFactory threads) {
      this.threads = java.util.Objects.requireNonNull(threads, "threads");
      return this;
    }

    public TarImport build() {
      return new TarImport(this, importOptions());
    }
  }

  /** What an import did. */
  public record Summary(Compression compression, long entries, long archiveBytes, long tarBytes) {}

  /**
   * Unpacks an archive file into {@code root}. A multi-block xz file (as {@code xz -T} writes) is decoded on
   * several threads, its blocks found through the index at its end.
   */
  public Summary extract(Path file, Fd root) throws IOException {
    if (!Files.isRegularFile(file)) {
      // A pipe can be read once, and only as a stream: no sniffing ahead, and no FileChannel, whose available()
      // seeks, which a pipe refuses (ESPIPE).
      return extract(new FileInputStream(file.toFile()), file.toString(), root);
    }
    // The archive the user named on the command line, read as the user would.
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return extract(channel, file.toString(), root);
    }
  }

  /**
   * Unpacks an archive file that the caller holds open and keeps open (a verified download, say), from its first
   * byte; {@code name} names it in messages. Multi-block xz is decoded on several threads here too.
   */
  public Summary extract(FileChannel file, String name, Fd root) throws IOException {
    byte[] head = new byte[Compression.MAGIC_LENGTH];
    int length = Math.max(0, file.read(ByteBuffer.wrap(head), 0));
    if (Compression.detect(head, length) == Compression.XZ) {
      InputStream parallel;
      try {
        parallel = ParallelXzInputStream.openIfParallel(file, name, decoderThreads, decoderLimits);
      } catch (IOException e) {
        parallel = null; // a damaged index: the stream decoder reads as far as it can and names the fault
      }
      if (parallel != null) {
        CountingInputStream counted = new CountingInputStream(parallel);
        return extractDecoded(Compression.XZ, counted, counted, name, root);
      }
    }
    file.position(0);
    return extract(new FilterInputStream(Channels.newInputStream(file)) {
      @Override
      public void close() {} // the channel is the caller's
    }, name, root);
  }

  /** Unpacks {@code archive} into {@code root}, which should be empty. Closes {@code archive}. */
  public Summary extract(InputStream archive, Fd root) throws IOException {
    return extract(archive, "the archive", root);
  }

  /** As {@link #extract(InputStream, Fd)}; {@code name} names the archive in messages. */
  public Summary extract(InputStream archive, String name, Fd root) throws IOException {
    CountingInputStream counted = new CountingInputStream(archive);
    BufferedInputStream buffered = new BufferedInputStream(counted, 256 * 1024);
    Compression compression = Compression.NONE;
    InputStream decoded;
    try {
      compression = Compression.detect(buffered);
      if (compression == Compression.NONE) {
        refuseUnreadCompression(buffered, name);
      }
      decoded = compression.decoder(buffered, decoderLimits);
    } catch (IOException e) {
      buffered.close();
      throw DecodingSource.failure(failing(compression, name), e);
    }
    return extractDecoded(compression, decoded, counted, name, root);
  }

  /**
   * Unpacks {@code tar}, an uncompressed tar stream its caller decodes (and may hash as it goes), into {@code root};
   * {@code name} names it in messages ("cannot read NAME"). Closes {@code tar}.
   */
  public Summary extractTar(InputStream tar, String name, Fd root) throws IOException {
    CountingInputStream counted = new CountingInputStream(tar);
    return extractDecoded(Compression.NONE, counted, counted, name, root);
  }

  /** Names a compression jimg does not read, where the input starts with its magic and with no tar header. */
  private static void refuseUnreadCompression(BufferedInputStream in, String name) throws IOException {
    byte[] block = new byte[TarHeader.BLOCK];
    in.mark(block.length);
    int length = in.readNBytes(block, 0, block.length);
    in.reset();
    UnreadCompression format = UnreadCompression.detect(block, length);
    if (format != null && !(length == block.length && TarHeader.checksumMatches(block))) {
      throw new JimgException(Reason.FAILED, format.message(name));
    }
  }

  /** What a failure to read or decode the archive says first: "cannot decode the gzip data of image.tar.gz". */
  private static String failing(Compression compression, String name) {
    return compression == Compression.NONE ? "cannot read " + name
        : "cannot decode the " + compression.formatName() + " data of " + name;
  }

  private Summary extractDecoded(Compression compression, InputStream decoded, CountingInputStream counted,
      String name, Fd root) throws IOException {
    WriteBudget budget = WriteBudget.forImport(root, sizeMax, name, cancellation);
    try (DecodingSource source = new DecodingSource(decoded, threads, failing(compression, name), cancellation);
        FileWriting writing = new FileWriting(threads, budget)) {
      Extraction extraction = new Extraction(root, this, writing, budget);
      try {
        return extractEntries(compression, source, extraction, counted);
      } finally {
        extraction.closeDirectories();
      }
    }
  }

  private Summary extractEntries(Compression compression, DecodingSource source, Extraction extraction,
      CountingInputStream counted) throws IOException {
    TarReader reader = new TarReader(source, limits.headerBytes(), ignoreZeros, this::warn);
    long lastReport = System.nanoTime();
    TarEntry entry;
    while ((entry = next(reader, compression)) != null) {
      cancellation.check();
      extraction.extract(entry, reader);
      long now = System.nanoTime();
      if (now - lastReport > 100_000_000L) {
        lastReport = now;
        listener.progress(new Progress("import-tar", counted.count(), inputSize, extraction.entries));
      }
    }
    // The archive is read whole here, but the writer threads may still hold seconds of files to write, and the
    // store flushes them all before it publishes: say so, rather than sit at 100 %.
    listener.progress(new Progress("import-tar", counted.count(), inputSize, extraction.entries, Progress.WRITING));
    extraction.finish();
    cancellation.check(); // the last look: once the tree is whole, the store publishes it
    if (extraction.selinuxLabelsDropped > 0) {
      // Dropped by design (they are the host policy's), but a person comparing trees should know why they differ.
      warn(extraction.selinuxLabelsDropped + " security.selinux labels dropped; --keep-selinux-labels keeps them");
    }
    listener.progress(new Progress("import-tar", counted.count(), inputSize, extraction.entries, Progress.FLUSHING));
    return new Summary(compression, extraction.entries, counted.count(), reader.offset());
  }

  private void warn(String message) {
    listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null, message));
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
