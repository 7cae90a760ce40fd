package io.jimg.transfer;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.TreeCopy;
import io.jimg.images.Access;
import io.jimg.images.CreateOptions;
import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.NewImage;
import io.jimg.images.Origin;
import io.jimg.images.Progress;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.raw.RawImport;
import io.jimg.transfer.raw.WriteBudget;
import io.jimg.transfer.tar.TarImport;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
  private final ImportOptions importOptions;

  private Importer(Builder b, ImportOptions importOptions) {
    this.store = b.store;
    this.options = new CreateOptions(b.force, b.readOnly, b.origin);
    this.importOptions = importOptions;
  }

  public static Builder builder(ImageStore store) {
    return new Builder(store);
  }

  /** How the image is published (force, read-only) and the {@link ImportOptions} every import takes. */
  public static final class Builder extends ImportOptions.Builder<Builder> {
    private final ImageStore store;
    private boolean force;
    private boolean readOnly;
    private Origin origin;

    private Builder(ImageStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Replaces an existing image of the same name atomically once the new one is complete. */
    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    /** Publishes the image read-only. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * What to record as the image's origin in place of the import's own ({@code import-tar} and the file read): a
     * pull's, which unpacks a download it proved.
     */
    public Builder origin(Origin origin) {
      this.origin = origin;
      return this;
    }

    public Importer build() {
      return new Importer(this, importOptions());
    }
  }

  /**
   * Imports a tar archive file; {@code name} null takes the file name without its suffixes. Its origin records the
   * file's absolute path, size and modification time: hashing it would cost the import a pass of its own.
   */
  public Image importTar(Path file, String name) throws IOException {
    String image = name != null ? name : DerivedImageName.fromFileName(file.getFileName().toString());
    long size = Files.size(file);
    importOptions.cancellation().check();
    if (!Files.isRegularFile(file)) {
      // A pipe can be read once, and only as a stream: hashed as it is read.
      return store.createTree(image, recording("import-tar", file.toAbsolutePath().toString()),
          root -> extractHashing(new FileInputStream(file.toFile()), file.toString(), root));
    }
    return store.createTree(image, recordingFile("import-tar", file),
        root -> tarImport(size).extract(file, Descriptors.of(root)));
  }

  /** Imports a tar archive from a stream (standard input, say), which it closes; its origin's source is "-". */
  public Image importTar(InputStream in, String name) throws IOException {
    requireName(name);
    importOptions.cancellation().check();
    return store.createTree(name, recording("import-tar", "-"), root -> extractHashing(in, quoted(name), root));
  }

  private void extractHashing(InputStream in, String source, NewImage root) throws IOException {
    HashingInputStream hashing = new HashingInputStream(in);
    try {
      tarImport(-1).extract(hashing, source, Descriptors.of(root)); // closes it, which completes the digest
      root.sha256(hashing.sha256());
    } finally {
      hashing.release();
    }
  }

  /**
   * Imports a tar archive file that the caller holds open and keeps open (a verified download), from its first
   * byte. A multi-block xz file is decoded on several threads, as from a path.
   */
  public Image importTar(FileChannel file, String name) throws IOException {
    return importTar(file, quoted(name), name);
  }

  /**
   * As above, {@code source} naming the file in messages (the URL it was downloaded from, say) and in the origin,
   * where the builder was given none.
   */
  public Image importTar(FileChannel file, String source, String name) throws IOException {
    requireName(name);
    long size = file.size();
    importOptions.cancellation().check();
    return store.createTree(name, recording("import-tar", source),
        root -> tarImport(size).extract(file, source, Descriptors.of(root)));
  }

  /** Imports a raw or qcow2 disk image file, compressed or not; its origin as {@link #importTar(Path, String)}'s. */
  public Image importRaw(Path file, String name) throws IOException {
    String image = name != null ? name : DerivedImageName.fromFileName(file.getFileName().toString());
    importOptions.cancellation().check();
    return store.createRaw(image, recordingFile("import-raw", file),
        target -> rawImport().importFile(file, Descriptors.of(target)));
  }

  /** Imports a raw or qcow2 disk image from a stream, which it closes; its origin's source is "-". */
  public Image importRaw(InputStream in, String name) throws IOException {
    requireName(name);
    importOptions.cancellation().check();
    return store.createRaw(name, recording("import-raw", "-"), target -> {
      HashingInputStream hashing = new HashingInputStream(in);
      try {
        rawImport().importStream(hashing, Descriptors.of(target), quoted(name));
        target.sha256(hashing.sha256());
      } finally {
        hashing.release();
      }
    });
  }

  /**
   * As above, {@code source} naming the stream in messages (the URL it was downloaded from, say) and in the origin,
   * where the builder was given none.
   */
  public Image importRaw(InputStream in, String source, String name) throws IOException {
    requireName(name);
    importOptions.cancellation().check();
    return store.createRaw(name, recording("import-raw", source),
        target -> rawImport().importStream(in, Descriptors.of(target), source));
  }

  /** Copies a directory tree into a new image faithfully, reflinking file data where the filesystem can. */
  public Image importFs(Path directory, String name) throws IOException {
    String image = name != null ? name : DerivedImageName.fromFileName(directory.toAbsolutePath().normalize()
        .getFileName().toString());
    importOptions.cancellation().check();
    try (Fd source = Fd.openDirectory(directory)) {
      return store.createTree(image, recording("import-fs", directory.toAbsolutePath().toString()),
          root -> copyInto(source, Descriptors.of(root), directory.toString()));
    }
  }

  /** As {@link #recording}, with the size and modification time of a regular file (of none elsewhere). */
  private CreateOptions recordingFile(String kind, Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    Origin own = Origin.of(kind, file.toAbsolutePath().toString());
    return recording(attributes.isRegularFile()
        ? own.withFile(attributes.size(), attributes.lastModifiedTime().toInstant()) : own);
  }

  private CreateOptions recording(String kind, String source) {
    return recording(Origin.of(kind, source));
  }

  /** The options that record where the image came from: the builder's origin, else the import's own. */
  private CreateOptions recording(Origin own) {
    return options.origin() != null ? options : options.withOrigin(own);
  }

  /** Copies the children of {@code source} into the (empty) root, then the root's own metadata. */
  private void copyInto(Fd source, Fd root, String sourceName) throws IOException {
    byte[] staging = ".#jimg-import-fs".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    WriteBudget budget = WriteBudget.forImport(root, importOptions.sizeMax(), sourceName, importOptions.cancellation());
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
        importOptions.listener().progress(new Progress("import-fs", bytes, -1, entries));
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
    return TarImport.builder().options(importOptions).inputSize(inputSize).build();
  }

  private RawImport rawImport() {
    return RawImport.builder().options(importOptions).spoolIn(store).build();
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
    return store.lease(name, Access.READ);
  }
}
