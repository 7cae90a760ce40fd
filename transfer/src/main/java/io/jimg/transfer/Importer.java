package io.jimg.transfer;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.TreeCopy;
import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.transfer.compress.DecoderLimits;
import io.jimg.transfer.raw.RawImport;
import io.jimg.transfer.raw.WriteBudget;
import io.jimg.transfer.tar.TarImport;
import io.jimg.transfer.tar.TarLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Brings images into the store: {@code import-tar}, {@code import-raw} and {@code import-fs}. The store owns
 * the hidden temporary, its lock and the publication, so a failed or killed import leaves nothing under the name.
 * Every import stops before the pool's filesystem falls below 5% free, of bytes or inodes, and within
 * {@code sizeMax} where one is given; what it spools (a qcow2 stream) goes in the pool too, within the same limits.
 *
 * <pre>
 * Importer importer = Importer.builder(store).force(true).listener(listener).build();
 * importer.importTar(Path.of("debian.tar.xz"), null);   // named "debian"
 * </pre>
 */
public final class Importer {
  private final ImageStore store;
  private final CreateOptions options;
  private final long sizeMax;
  private final boolean keepTrustedXattrs;
  private final boolean keepSelinuxLabels;
  private final boolean ignoreZeros;
  private final DecoderLimits limits;
  private final TarLimits tarLimits;
  private final StoreListener listener;
  private final Cancellation cancellation;

  private Importer(Builder b) {
    this.cancellation = b.cancellation;
    this.store = b.store;
    this.options = new CreateOptions(b.force, b.readOnly);
    this.sizeMax = b.sizeMax;
    this.keepTrustedXattrs = b.keepTrustedXattrs;
    this.keepSelinuxLabels = b.keepSelinuxLabels;
    this.ignoreZeros = b.ignoreZeros;
    this.limits = b.limits;
    this.tarLimits = b.tarLimits;
    this.listener = b.listener;
  }

  public static Builder builder(ImageStore store) {
    return new Builder(store);
  }

  public static final class Builder {
    private final ImageStore store;
    private boolean force;
    private ReadOnly readOnly = ReadOnly.NO;
    private long sizeMax = -1;
    private boolean keepTrustedXattrs;
    private boolean keepSelinuxLabels;
    private boolean ignoreZeros;
    private DecoderLimits limits = DecoderLimits.DEFAULT;
    private TarLimits tarLimits = TarLimits.DEFAULT;
    private StoreListener listener = StoreListener.NONE;
    private Cancellation cancellation = Cancellation.NEVER;

    private Builder(ImageStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Replaces an existing image of the same name atomically once the new one is complete. */
    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    public Builder readOnly(ReadOnly readOnly) {
      this.readOnly = Objects.requireNonNull(readOnly, "readOnly");
      return this;
    }

    /**
     * The most bytes of data an import may unpack to (and the largest disk image), -1 (the default) for no cap;
     * the pool's filesystem keeps its 5% reserve either way.
     */
    public Builder sizeMax(long bytes) {
      if (bytes < -1) {
        throw new IllegalArgumentException("size limit must be -1 or at least 0: " + bytes);
      }
      this.sizeMax = bytes;
      return this;
    }

    public Builder keepTrustedXattrs(boolean keep) {
      this.keepTrustedXattrs = keep;
      return this;
    }

    public Builder keepSelinuxLabels(boolean keep) {
      this.keepSelinuxLabels = keep;
      return this;
    }

    /** Reads a tar archive on past its end-of-archive marker: see {@link TarImport.Builder#ignoreZeros}. */
    public Builder ignoreZeros(boolean ignore) {
      this.ignoreZeros = ignore;
      return this;
    }

    public Builder decoderLimits(DecoderLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The most entries, header bytes and memory for paths a tar archive may take. */
    public Builder tarLimits(TarLimits limits) {
      this.tarLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder listener(StoreListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * What stops the imports of this importer: checked before anything is made, between entries, and between
     * blocks of 1 MiB (tar, raw, a qcow2 spool and its conversion) or 64 MiB (import-fs, whose kernel copy takes
     * larger steps), on every thread that does the work, so that a cancel is noticed within one of them. The
     * import then fails with {@link Reason#CANCELLED}, its threads ended, its temporary, spool and lock file
     * removed and nothing under the name. A cancel that comes once the image is whole is too late: the store
     * publishes it by rename, and the import completes.
     */
    public Builder cancellation(Cancellation cancellation) {
      this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
      return this;
    }

    public Importer build() {
      return new Importer(this);
    }
  }

  /** Imports a tar archive file; {@code name} null takes the file name without its suffixes. */
  public Image importTar(Path file, String name) throws IOException {
    String image = name != null ? name : DerivedImageName.fromFileName(file.getFileName().toString());
    long size = Files.size(file);
    cancellation.check();
    return store.createTree(image, options, (root, path) -> tarImport(size).extract(file, root));
  }

  /** Imports a tar archive from a stream (standard input, say), which it closes. */
  public Image importTar(InputStream in, String name) throws IOException {
    requireName(name);
    cancellation.check();
    return store.createTree(name, options, (root, path) -> tarImport(-1).extract(in, quoted(name), root));
  }

  /**
   * Imports a tar archive file that the caller holds open and keeps open (a verified download), from its first
   * byte. A multi-block xz file is decoded on several threads, as from a path.
   */
  public Image importTar(FileChannel file, String name) throws IOException {
    requireName(name);
    long size = file.size();
    cancellation.check();
    return store.createTree(name, options, (root, path) -> tarImport(size).extract(file, name, root));
  }

  /** Imports a raw or qcow2 disk image file, compressed or not. */
  public Image importRaw(Path file, String name) throws IOException {
    String image = name != null ? name : DerivedImageName.fromFileName(file.getFileName().toString());
    cancellation.check();
    return store.createRaw(image, options, (target, path) -> rawImport().importFile(file, target));
  }

  /** Imports a raw or qcow2 disk image from a stream, which it closes. */
  public Image importRaw(InputStream in, String name) throws IOException {
    requireName(name);
    cancellation.check();
    return store.createRaw(name, options, (target, path) -> rawImport().importStream(in, target, quoted(name)));
  }

  /** Copies a directory tree into a new image faithfully, reflinking file data where the filesystem can. */
  public Image importFs(Path directory, String name) throws IOException {
    String image = name != null ? name : DerivedImageName.fromFileName(directory.toAbsolutePath().normalize()
        .getFileName().toString());
    cancellation.check();
    try (Fd source = Fd.openDirectory(directory)) {
      return store.createTree(image, options, (root, path) -> copyInto(source, root, directory.toString()));
    }
  }

  /** Copies the children of {@code source} into the (empty) root, then the root's own metadata. */
  private void copyInto(Fd source, Fd root, String sourceName) throws IOException {
    byte[] staging = ".#jimg-import-fs".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    WriteBudget budget = WriteBudget.forImport(root, sizeMax, sourceName, cancellation);
    long[] charged = new long[2]; // bytes and entries, as the copy counts them
    try {
      TreeCopy.copy(source, root, staging, (bytes, entries) -> {
        try {
          budget.chargeWritten(bytes - charged[0]);
          for (; charged[1] < entries; charged[1]++) {
            budget.chargeInode(0);
          }
        } catch (JimgException e) {
          throw new UncheckedIOException(e); // the copy's callback may not throw it; unwrapped below
        }
        charged[0] = bytes;
        listener.progress(new Progress("import-fs", bytes, -1, entries));
      });
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof JimgException stop) {
        throw stop;
      }
      throw e;
    }
    io.jimg.btrfs.Stat stat;
    java.util.Map<byte[], byte[]> xattrs = new java.util.LinkedHashMap<>();
    try (Fd copied = root.openDirectory(staging)) {
      // Its metadata first: moving the children out changes its times.
      stat = copied.stat();
      for (byte[] attribute : copied.xattrNames(null)) {
        xattrs.put(attribute, copied.getXattr(null, attribute));
      }
      for (io.jimg.btrfs.DirEntry entry : copied.list()) {
        copied.rename(entry.name(), root, entry.name(), io.jimg.btrfs.Linux.RENAME_NOREPLACE);
      }
    }
    // The root's own metadata last: removing the staging directory changes its times.
    root.rmdir(staging);
    root.chown(stat.uid(), stat.gid());
    root.chmod(stat.permissions());
    for (java.util.Map.Entry<byte[], byte[]> x : xattrs.entrySet()) {
      root.setXattr(null, x.getKey(), x.getValue());
    }
    root.setTimes(stat.accessed(), stat.modified());
  }

  private TarImport tarImport(long inputSize) {
    return TarImport.builder().sizeMax(sizeMax).limits(tarLimits).keepTrustedXattrs(keepTrustedXattrs)
        .keepSelinuxLabels(keepSelinuxLabels).ignoreZeros(ignoreZeros).decoderLimits(limits).listener(listener)
        .inputSize(inputSize).cancellation(cancellation).build();
  }

  private RawImport rawImport() {
    return RawImport.builder().sizeMax(sizeMax).decoderLimits(limits).spoolIn(store).listener(listener)
        .cancellation(cancellation).build();
  }

  /** How messages name a stream: by the image it becomes. */
  private static String quoted(String name) {
    return "'" + name + "'";
  }

  private static void requireName(String name) throws JimgException {
    if (name == null || name.isEmpty()) {
      throw new JimgException(Reason.USAGE, "an import from standard input needs a NAME");
    }
  }

  /** Holds an image for reading while it is exported; for {@link Exporter}. */
  static ImageLease leaseForReading(ImageStore store, String name) throws IOException {
    return store.lease(name, LockKind.SHARED);
  }
}
