package io.jimg.transfer.raw;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileFlags;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.compress.DecoderLimits;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes a disk image into a new, empty file byte for byte, keeping holes: an uncompressed input file is read
 * by SEEK_DATA and SEEK_HOLE, and in any stream blocks of zeros are skipped. Compressed input is detected by
 * magic bytes; qcow2 is converted to raw (spooled to a temporary file first when it arrives as a stream). On
 * btrfs the file is made NOCOW before anything is written, as systemd does for disk images.
 */
public final class RawImport {
  private static final long BTRFS_MAGIC = 0x9123683EL;
  private static final int BUFFER = 1 << 20;

  private final StoreListener listener;
  private final DecoderLimits limits;
  private final long sizeMax;
  private final Path spoolDirectory;

  private RawImport(Builder b) {
    this.listener = b.listener;
    this.limits = b.limits;
    this.sizeMax = b.sizeMax;
    this.spoolDirectory = b.spoolDirectory;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private StoreListener listener = StoreListener.NONE;
    private DecoderLimits limits = DecoderLimits.DEFAULT;
    private long sizeMax = -1;
    private Path spoolDirectory = Path.of(System.getProperty("java.io.tmpdir"));

    private Builder() {}

    public Builder listener(StoreListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder decoderLimits(DecoderLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The largest image (virtual size) accepted; -1 for no limit. */
    public Builder sizeMax(long bytes) {
      this.sizeMax = bytes;
      return this;
    }

    /** Where a qcow2 stream is spooled for random access. */
    public Builder spoolDirectory(Path directory) {
      this.spoolDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    public RawImport build() {
      return new RawImport(this);
    }
  }

  /** What an import wrote: the image's size and the bytes of data in it (the rest are holes). */
  public record Summary(Compression compression, boolean qcow2, long size, long dataBytes) {}

  /** Imports a file; where it is uncompressed, its holes are found with SEEK_DATA and SEEK_HOLE. */
  public Summary importFile(Path source, Fd target) throws IOException {
    try (Fd input = Fd.open(source, Linux.O_RDONLY);
        FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
      byte[] head = new byte[Compression.MAGIC_LENGTH];
      int length = Math.max(0, channel.read(ByteBuffer.wrap(head), 0));
      Compression compression = Compression.detect(head, length);
      if (compression == Compression.NONE && Qcow2.matches(head, length)) {
        prepare(target);
        SparseFileWriter out = new SparseFileWriter(target);
        long size = Qcow2.convert(channel, out, source.toString());
        checkSize(size, source.toString());
        return new Summary(compression, true, size, out.written());
      }
      if (compression == Compression.NONE) {
        return copyWithHoles(input, channel, target, source.toString());
      }
    }
    return importStream(Files.newInputStream(source), target, source.toString());
  }

  /** Imports a stream (standard input, say); closes it. */
  public Summary importStream(InputStream stream, Fd target, String sourceName) throws IOException {
    try (BufferedInputStream buffered = new BufferedInputStream(stream, BUFFER)) {
      Compression compression = Compression.detect(buffered);
      InputStream decoded = new BufferedInputStream(compression.decoder(buffered, limits), BUFFER);
      decoded.mark(8);
      byte[] head = decoded.readNBytes(4);
      decoded.reset();
      prepare(target);
      if (Qcow2.matches(head, head.length)) {
        return spoolQcow2(decoded, target, compression, sourceName);
      }
      SparseFileWriter out = new SparseFileWriter(target);
      byte[] buffer = new byte[BUFFER];
      long position = 0;
      long lastReport = System.nanoTime();
      while (true) {
        int n = decoded.readNBytes(buffer, 0, buffer.length);
        if (n <= 0) {
          break;
        }
        out.write(buffer, 0, n, position);
        position += n;
        checkSize(position, sourceName);
        long now = System.nanoTime();
        if (now - lastReport > 100_000_000L) {
          lastReport = now;
          listener.progress(new Progress("import-raw", position, -1, 0));
        }
      }
      out.finish(position);
      return new Summary(compression, false, position, out.written());
    }
  }

  private Summary spoolQcow2(InputStream decoded, Fd target, Compression compression, String sourceName)
      throws IOException {
    Path spool = Files.createTempFile(spoolDirectory, ".#jimg-qcow2-", ".spool");
    try {
      try (OutputStream out = Files.newOutputStream(spool)) {
        decoded.transferTo(out);
      }
      try (FileChannel channel = FileChannel.open(spool, StandardOpenOption.READ)) {
        SparseFileWriter out = new SparseFileWriter(target);
        long size = Qcow2.convert(channel, out, sourceName);
        checkSize(size, sourceName);
        return new Summary(compression, true, size, out.written());
      }
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private Summary copyWithHoles(Fd input, FileChannel channel, Fd target, String sourceName) throws IOException {
    long size = channel.size();
    checkSize(size, sourceName);
    prepare(target);
    SparseFileWriter out = new SparseFileWriter(target);
    byte[] buffer = new byte[BUFFER];
    long position = 0;
    long[] regions = input.dataRegions(size);
    for (int i = 0; i < regions.length; i += 2) {
      long data = regions[i];
      long hole = data + regions[i + 1];
      for (long at = data; at < hole; ) {
        int n = channel.read(ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, hole - at)), at);
        if (n <= 0) {
          throw new JimgException(Reason.FAILED, "cannot import " + sourceName + ": it shrank while read");
        }
        out.write(buffer, 0, n, at);
        at += n;
      }
      position = hole;
      listener.progress(new Progress("import-raw", position, size, 0));
    }
    out.finish(size);
    return new Summary(Compression.NONE, false, size, out.written());
  }

  private void checkSize(long size, String sourceName) throws JimgException {
    if (sizeMax >= 0 && size > sizeMax) {
      throw new JimgException(Reason.FAILED,
          "cannot import " + sourceName + ": the image is larger than the limit of " + sizeMax + " bytes");
    }
  }

  /** NOCOW must be set while the file is still empty; only btrfs has it. */
  private static void prepare(Fd target) throws NativeException {
    if (target.filesystemType() == BTRFS_MAGIC) {
      FileFlags.change(target, FileFlags.NOCOW, true);
    }
  }
}
