package io.jimg.transfer.raw;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileFlags;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Progress;
import io.jimg.images.Scratch;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.ImportOptions;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.compress.DecoderLimits;
import io.jimg.transfer.tar.Contents;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a disk image into a new, empty file byte for byte, keeping holes: an uncompressed input file is read
 * by SEEK_DATA and SEEK_HOLE, and in any stream blocks of zeros are skipped. Compressed input is detected by
 * magic bytes; qcow2 is converted to raw (spooled first, into an unnamed file in the pool, when it arrives as a
 * stream). On btrfs the file is made NOCOW before anything is written, as systemd does for disk images. Every
 * write is charged to a {@link WriteBudget}: the image, its spool and its size stay within {@code sizeMax}, and
 * the pool's filesystem keeps its reserve.
 */
public final class RawImport {
  private static final long BTRFS_MAGIC = 0x9123683EL;
  private static final int BUFFER = 1 << 20;
  /** The bytes looked at first: a qcow2 header, or enough to tell a tar header or text from a disk. */
  private static final int HEAD = Math.max(Qcow2.HEADER, 512);

  private final StoreListener listener;
  private final DecoderLimits limits;
  private final long sizeMax;
  private final ImageStore spoolStore;
  private final Cancellation cancellation;

  private RawImport(Builder b, ImportOptions options) {
    this.listener = options.listener();
    this.cancellation = options.cancellation();
    this.limits = options.decoderLimits();
    this.sizeMax = options.sizeMax();
    this.spoolStore = b.spoolStore;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The {@link ImportOptions} a raw import uses (the size cap: the largest image, its virtual size, and the most
   * data written for it, a qcow2 stream's spool counted on its own; the decoder limits; the listener), and where to
   * spool.
   */
  public static final class Builder extends ImportOptions.Builder<Builder> {
    private ImageStore spoolStore;

    private Builder() {}

    /** The store in whose pool a qcow2 stream is spooled for random access; without one such a stream fails. */
    public Builder spoolIn(ImageStore store) {
      this.spoolStore = Objects.requireNonNull(store, "store");
      return this;
    }

    public RawImport build() {
      return new RawImport(this, importOptions());
    }
  }

  /** What an import wrote: the image's size and the bytes of data in it (the rest are holes). */
  public record Summary(Compression compression, boolean qcow2, long size, long dataBytes) {}

  /** Imports a file; where it is uncompressed, its holes are found with SEEK_DATA and SEEK_HOLE. */
  public Summary importFile(Path source, Fd target) throws IOException {
    String sourceName = source.toString();
    try (Fd input = Fd.open(source, Linux.O_RDONLY)) {
      byte[] head = new byte[HEAD];
      int length = readHead(input, head);
      Compression compression = Compression.detect(head, length);
      if (compression == Compression.NONE) {
        warnIfNoDiskImage(head, length, sourceName);
      }
      if (compression == Compression.NONE && Qcow2.matches(head, length)) {
        WriteBudget budget = budget(target, sourceName);
        budget.requireWithinCap(Qcow2.virtualSize(head, length, sourceName));
        prepare(target);
        return convert(input, target, budget, compression, sourceName);
      }
      if (compression == Compression.NONE) {
        return copyWithHoles(input, target, sourceName);
      }
    }
    // The image file the user named on the command line, read as the user would.
    return importStream(Files.newInputStream(source), target, sourceName);
  }

  /** Imports a stream (standard input, say); closes it. */
  public Summary importStream(InputStream stream, Fd target, String sourceName) throws IOException {
    WriteBudget budget = budget(target, sourceName);
    try (BufferedInputStream buffered = new BufferedInputStream(stream, BUFFER)) {
      Compression compression = Compression.detect(buffered);
      InputStream decoded = new BufferedInputStream(compression.decoder(buffered, limits), BUFFER);
      decoded.mark(HEAD);
      byte[] head = decoded.readNBytes(HEAD);
      decoded.reset();
      warnIfNoDiskImage(head, head.length, sourceName);
      prepare(target);
      if (Qcow2.matches(head, head.length)) {
        budget.requireWithinCap(Qcow2.virtualSize(head, head.length, sourceName));
        return spoolAndConvert(decoded, target, budget, compression, sourceName);
      }
      SparseFileWriter out = new SparseFileWriter(target, budget);
      byte[] buffer = new byte[BUFFER];
      long position = 0;
      long lastReport = System.nanoTime();
      while (true) {
        int n = decoded.readNBytes(buffer, 0, buffer.length);
        if (n <= 0) {
          break;
        }
        budget.requireWithinCap(position + n);
        out.write(buffer, 0, n, position);
        position += n;
        long now = System.nanoTime();
        if (now - lastReport > 100_000_000L) {
          lastReport = now;
          listener.progress(new Progress("import-raw", position, -1, 0));
        }
      }
      out.finish(position);
      listener.progress(new Progress("import-raw", position, position, 0, Progress.FLUSHING));
      return new Summary(compression, false, position, out.written());
    }
  }

  /**
   * Copies a qcow2 stream into an unnamed file in the pool (it needs random access), within the budget's cap and
   * reserve as the image itself is, then converts it. The spool goes with its descriptor, whatever happens.
   */
  private Summary spoolAndConvert(InputStream decoded, Fd target, WriteBudget budget, Compression compression,
      String sourceName) throws IOException {
    if (spoolStore == null) {
      throw new IllegalStateException("a qcow2 stream needs a pool to be spooled in: see RawImport.Builder.spoolIn");
    }
    try (Scratch scratch = spoolStore.scratch(); Fd spool = unnamedFile(scratch)) {
      SparseFileWriter out = new SparseFileWriter(spool, budget.sibling(spool));
      byte[] buffer = new byte[BUFFER];
      long position = 0;
      while (true) {
        int n = decoded.readNBytes(buffer, 0, buffer.length);
        if (n <= 0) {
          break;
        }
        out.write(buffer, 0, n, position);
        position += n;
      }
      out.finish(position);
      return convert(spool, target, budget, compression, sourceName);
    }
  }

  /**
   * An O_TMPFILE in the scratch's pool, which no one sees and the kernel frees when it is closed or the process
   * dies; where the filesystem has no O_TMPFILE, the scratch's own name, unlinked at once (should jimg die in
   * between, the next sweep removes it with the scratch).
   */
  private static Fd unnamedFile(Scratch scratch) throws NativeException {
    Fd pool = Descriptors.pool(scratch);
    try {
      return pool.open(new byte[] {'.'}, Linux.O_TMPFILE | Linux.O_RDWR, 0600);
    } catch (NativeException e) {
      if (!e.is(Linux.EOPNOTSUPP) && !e.is(Linux.EISDIR) && !e.is(Linux.EINVAL)) {
        throw e;
      }
    }
    byte[] name = scratch.name();
    Fd file = pool.open(name, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL | Linux.O_NOFOLLOW, 0600);
    try {
      pool.unlink(name);
    } catch (NativeException e) {
      file.close();
      throw e;
    }
    return file;
  }

  private static Summary convert(Fd qcow2, Fd target, WriteBudget budget, Compression compression,
      String sourceName) throws IOException {
    SparseFileWriter out = new SparseFileWriter(target, budget);
    long size = Qcow2.convert(qcow2, out, sourceName);
    return new Summary(compression, true, size, out.written());
  }

  private Summary copyWithHoles(Fd input, Fd target, String sourceName) throws IOException {
    long size = input.stat().size();
    WriteBudget budget = budget(target, sourceName);
    budget.requireWithinCap(size);
    prepare(target);
    SparseFileWriter out = new SparseFileWriter(target, budget);
    byte[] buffer = new byte[BUFFER];
    long[] regions = input.dataRegions(size);
    for (int i = 0; i < regions.length; i += 2) {
      long data = regions[i];
      long hole = data + regions[i + 1];
      for (long at = data; at < hole; ) {
        int n = input.pread(buffer, (int) Math.min(buffer.length, hole - at), at);
        if (n <= 0) {
          throw new JimgException(Reason.FAILED, "cannot import " + sourceName + ": it shrank while read");
        }
        out.write(buffer, 0, n, at);
        at += n;
      }
      listener.progress(new Progress("import-raw", hole, size, 0));
    }
    out.finish(size);
    listener.progress(new Progress("import-raw", size, size, 0, Progress.FLUSHING));
    return new Summary(Compression.NONE, false, size, out.written());
  }

  /** Imports what it is given, but says so where that is plainly no disk image (a tar archive, text). */
  private void warnIfNoDiskImage(byte[] head, int length, String sourceName) {
    Contents.notADiskImage(head, length).ifPresent(why -> listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
        sourceName + ": " + why)));
  }

  private WriteBudget budget(Fd target, String sourceName) {
    return WriteBudget.forImport(target, sizeMax, sourceName, cancellation);
  }

  private static int readHead(Fd input, byte[] head) throws NativeException {
    int length = 0;
    while (length < head.length) {
      int n = input.pread(head, length, head.length - length, length);
      if (n == 0) {
        break;
      }
      length += n;
    }
    return length;
  }

  /** NOCOW must be set while the file is still empty; only btrfs has it. */
  private static void prepare(Fd target) throws NativeException {
    if (target.filesystemType() == BTRFS_MAGIC) {
      FileFlags.change(target, FileFlags.NOCOW, true);
    }
  }
}
