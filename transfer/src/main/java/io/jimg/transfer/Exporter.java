package io.jimg.transfer;

import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.StoreListener;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.raw.RawExport;
import io.jimg.transfer.tar.TarExport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes images out of the store: {@code export-tar} and {@code export-raw}, holding the image under a shared
 * lease meanwhile. The format is the one given, else the one the file's suffix names, else uncompressed. A file
 * is written under a temporary name beside it and renamed into place only when complete.
 */
public final class Exporter {
  private final ImageStore store;
  private final Compression format;
  private final int threads;
  private final StoreListener listener;

  private Exporter(Builder b) {
    this.store = b.store;
    this.format = b.format;
    this.threads = b.threads;
    this.listener = b.listener;
  }

  public static Builder builder(ImageStore store) {
    return new Builder(store);
  }

  public static final class Builder {
    private final ImageStore store;
    private Compression format;
    private int threads = Runtime.getRuntime().availableProcessors();
    private StoreListener listener = StoreListener.NONE;

    private Builder(ImageStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The compression; null chooses by the file's suffix. */
    public Builder format(Compression format) {
      this.format = format;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder listener(StoreListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Exporter build() {
      return new Exporter(this);
    }
  }

  public void exportTar(String name, Path file) throws IOException {
    Compression compression = chosen(file);
    writeAtomically(file, out -> exportTar(name, out, compression));
  }

  /** Writes to a stream (standard output, say), which it closes. */
  public void exportTar(String name, OutputStream out) throws IOException {
    exportTar(name, out, format != null ? format : Compression.NONE);
  }

  public void exportRaw(String name, Path file) throws IOException {
    Compression compression = chosen(file);
    writeAtomically(file, out -> exportRaw(name, out, compression));
  }

  public void exportRaw(String name, OutputStream out) throws IOException {
    exportRaw(name, out, format != null ? format : Compression.NONE);
  }

  private void exportTar(String name, OutputStream out, Compression compression) throws IOException {
    try (ImageLease lease = Importer.leaseForReading(store, name)) {
      ImageType type = lease.image().type();
      if (type != ImageType.DIRECTORY && type != ImageType.SUBVOLUME) {
        throw new JimgException(Reason.USAGE, "image " + name + " is a " + type.name().toLowerCase()
            + " image; export-tar needs a directory or subvolume (use export-raw)");
      }
      TarExport.builder().compression(compression).threads(threads).listener(listener).build()
          .write(lease.open(), out);
    }
  }

  private void exportRaw(String name, OutputStream out, Compression compression) throws IOException {
    try (ImageLease lease = Importer.leaseForReading(store, name)) {
      ImageType type = lease.image().type();
      if (type != ImageType.RAW && type != ImageType.BLOCK) {
        throw new JimgException(Reason.USAGE, "image " + name + " is a " + type.name().toLowerCase()
            + " image; export-raw needs a raw image (use export-tar)");
      }
      RawExport.of(compression, threads, listener).write(lease.open(), out);
    }
  }

  private Compression chosen(Path file) {
    if (format != null) {
      return format;
    }
    Compression bySuffix = Compression.fromFileName(file.getFileName().toString());
    return bySuffix != null ? bySuffix : Compression.NONE;
  }

  private interface Writing {
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code .#NAME.partial} beside the file, then renames it over the file: never half a file. */
  private static void writeAtomically(Path file, Writing writing) throws IOException {
    Path partial = file.resolveSibling(".#" + file.getFileName() + ".partial");
    try {
      // A descriptor of jimg's own, not a FileChannel: an uncompressed tar export has the kernel copy file data
      // straight into it.
      try (OutputStream out = new DescriptorOutputStream(
          Fd.open(partial, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, 0666))) {
        writing.write(out);
      }
      Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
