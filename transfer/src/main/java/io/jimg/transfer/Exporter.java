package io.jimg.transfer;

import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.ReplacementFile;
import io.jimg.btrfs.Stat;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.StoreListener;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.raw.RawExport;
import io.jimg.transfer.tar.TarExport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes images out of the store: {@code export-tar} and {@code export-raw}, holding the image under a shared
 * lease meanwhile. The format is the one given, else the one the file's suffix names, else uncompressed. A file
 * takes its name only when complete (see {@link #writeAtomically}).
 */
public final class Exporter {
  private final ImageStore store;
  private final Compression format;
  private final int mode;
  private final ExportOptions options;

  private Exporter(Builder b, ExportOptions options) {
    this.store = b.store;
    this.format = b.format;
    this.mode = b.mode;
    this.options = options;
  }

  public static Builder builder(ImageStore store) {
    return new Builder(store);
  }

  /** The file's compression and mode, and the {@link ExportOptions} every export takes. */
  public static final class Builder extends ExportOptions.Builder<Builder> {
    private final ImageStore store;
    private Compression format;
    private int mode = -1;

    private Builder(ImageStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The compression; null chooses by the file's suffix. */
    public Builder format(Compression format) {
      this.format = format;
      return this;
    }

    /** The mode a file written gets (0 to 07777); by default 0600, or the mode of the file it replaces. */
    public Builder mode(int mode) {
      if (mode < 0 || mode > 07777) {
        throw new IllegalArgumentException("a file mode is 0 to 07777, not " + Integer.toOctalString(mode));
      }
      this.mode = mode;
      return this;
    }

    public Exporter build() {
      return new Exporter(this, exportOptions());
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
    options.cancellation().check();
    try (ImageLease lease = Importer.leaseForReading(store, name)) {
      ImageType type = lease.image().type();
      if (type != ImageType.DIRECTORY && type != ImageType.SUBVOLUME) {
        throw new JimgException(Reason.USAGE, "image " + name + " is a " + type.name().toLowerCase()
            + " image; export-tar needs a directory or subvolume (use export-raw)");
      }
      TarExport.builder().compression(compression).options(options).estimatedBytes(lease.image().usage().bytes())
          .build().write(Descriptors.open(lease), out);
    }
  }

  private void exportRaw(String name, OutputStream out, Compression compression) throws IOException {
    options.cancellation().check();
    try (ImageLease lease = Importer.leaseForReading(store, name)) {
      ImageType type = lease.image().type();
      if (type != ImageType.RAW && type != ImageType.BLOCK) {
        throw new JimgException(Reason.USAGE, "image " + name + " is a " + type.name().toLowerCase()
            + " image; export-raw needs a raw image (use export-tar)");
      }
      RawExport.of(compression, options).write(Descriptors.open(lease), out);
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

  /**
   * Writes the file whole before it takes its name: unnamed (O_TMPFILE), or where the file system cannot, under a
   * fresh random name {@code .#NAME.<16 hex>} made with O_EXCL, relative to the directory's descriptor and never
   * through a symlink; one jimg made is all it ever removes. A new file is 0600 unless a mode was given, since an
   * archive carries whatever secrets the image holds. A regular file it replaces keeps its owner and mode, as
   * systemd-export leaves them (it truncates the file in place); anything else under the name is refused.
   */
  private void writeAtomically(Path file, Writing writing) throws IOException {
    Path absolute = file.toAbsolutePath();
    if (absolute.getFileName() == null) {
      throw new JimgException(Reason.USAGE, "cannot export to " + file + ": it names no file");
    }
    byte[] name = FileNames.bytes(absolute.getFileName().toString());
    // The directory the user named: its path is followed as the user expects; the name in it never is.
    try (Fd directory = Fd.openDirectory(absolute.getParent())) {
      Stat existing = directory.statIfExists(name);
      if (existing != null && !existing.isRegular()) {
        throw new JimgException(Reason.USAGE, "cannot export to " + file + ": it is " + kind(existing)
            + ", not a regular file (use - to write to standard output)");
      }
      try (ReplacementFile out = ReplacementFile.create(directory, name, temporaryPrefix(name), 0600)) {
        // The stream closes the descriptor it writes to: it gets one of its own, the file's /proc link reopened.
        try (OutputStream stream = new DescriptorOutputStream(
            Fd.open(Path.of("/proc/self/fd/" + out.fd().fd()), Linux.O_WRONLY))) {
          writing.write(stream);
        }
        if (existing != null) {
          out.fd().chown(existing.uid(), existing.gid()); // before the mode: chown clears setuid and setgid
        }
        out.fd().chmod(mode >= 0 ? mode : existing != null ? existing.permissions() : 0600);
        out.fd().fsync();
        options.cancellation().check(); // the last moment a cancel is heeded: the file is whole and takes its name next
        if (existing != null) {
          out.replace();
        } else {
          publish(out, file);
        }
      }
    }
  }

  private static void publish(ReplacementFile out, Path file) throws IOException {
    try {
      out.publish();
    } catch (NativeException e) {
      if (e.is(Linux.EEXIST)) {
        throw new JimgException(Reason.EXISTS, "cannot export to " + file
            + ": someone made a file of that name meanwhile; it is left as it is", e);
      }
      throw e;
    }
  }

  /** {@code .#NAME.}, the name cut where a temporary would pass the longest name a directory takes. */
  private static byte[] temporaryPrefix(byte[] name) {
    int room = FileNames.NAME_MAX - ".#.".length() - 16;
    byte[] kept = Arrays.copyOf(name, Math.min(name.length, room));
    byte[] prefix = new byte[kept.length + 3];
    prefix[0] = '.';
    prefix[1] = '#';
    System.arraycopy(kept, 0, prefix, 2, kept.length);
    prefix[prefix.length - 1] = '.';
    return prefix;
  }

  private static String kind(Stat stat) {
    if (stat.isSymlink()) {
      return "a symbolic link";
    }
    return stat.isDirectory() ? "a directory" : "a device, fifo or socket";
  }
}
