package io.jimg.transfer.raw;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FilesystemSpace;
import io.jimg.btrfs.NativeException;
import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an import may still write into the pool: never more than its cap ({@code --size-max}, where given), and
 * never so much that the pool's filesystem falls below 5% free, of bytes or, where it has a fixed number of them,
 * of inodes. Every writer charges the budget before it writes, so an import stops within an entry, a conversion
 * or a spool, not after it. Holes are not charged: they take no space.
 *
 * <p>fstatfs is asked again only once the writes charged since could have used half the room the filesystem had
 * left above its reserve, and at most every 64 MiB: a few calls in a whole import, more only as the reserve
 * nears, which keeps it from being crossed even by the filesystem's own metadata. Writers on several threads may
 * share one budget.
 *
 * <p>A cancelled import may write nothing more either: every charge, and every {@link #checkpoint} a writer passes
 * between blocks (of zeros too, which are not charged), first asks the work's {@link Cancellation}.
 */
public final class WriteBudget {
  /** The share of a filesystem an import leaves free, in percent. */
  private static final int RESERVE_PERCENT = 5;
  private static final long CHECK_BYTES = 64L << 20;
  private static final long CHECK_INODES = 16384;
  /** What an inode costs in bytes beyond its data: the inode, its directory entry, tree blocks. */
  private static final long INODE_BYTES = 4096;

  private final Fd filesystem;
  private final String where;
  private final long cap;
  private final String what;
  private final Cancellation cancellation;
  private long charged;
  private long bytesBeforeCheck;
  private long inodesBeforeCheck;

  private WriteBudget(Fd filesystem, String where, long cap, String what, Cancellation cancellation) {
    if (cap < -1) {
      throw new IllegalArgumentException("size limit must be -1 or at least 0: " + cap);
    }
    this.filesystem = filesystem;
    this.where = where;
    this.cap = cap;
    this.what = what;
    this.cancellation = java.util.Objects.requireNonNull(cancellation, "cancellation");
  }

  /**
   * A budget for an import of {@code source} into {@code target} (a new root directory or image file), shown in
   * messages by the directory that holds it, the pool; {@code cap} is the most bytes of data it may write, -1 for
   * no cap.
   */
  public static WriteBudget forImport(Fd target, long cap, String source) {
    return forImport(target, cap, source, Cancellation.NEVER);
  }

  /** As {@link #forImport(Fd, long, String)}, for an import that {@code cancellation} stops. */
  public static WriteBudget forImport(Fd target, long cap, String source, Cancellation cancellation) {
    Path parent = Path.of(target.path()).getParent();
    return new WriteBudget(target, parent != null ? parent.toString() : target.path(), cap, "import of " + source,
        cancellation);
  }

  /**
   * A budget for a download of {@code url} into {@code file} in {@code pool}: the reserve only, as the download's
   * size is held to --size-max where it is fetched.
   */
  public static WriteBudget forDownload(Fd file, String pool, String url) {
    return new WriteBudget(file, pool, -1, "download of " + url, Cancellation.NEVER);
  }

  /** Another budget with the same cap and name on the same filesystem, for a second file (a spool). */
  public WriteBudget sibling(Fd file) {
    return new WriteBudget(file, where, cap, what, cancellation);
  }

  /** Charges {@code bytes} of data about to be written; throws, before they are, where they would not fit. */
  public synchronized void charge(long bytes) throws JimgException {
    cancellation.check();
    count(bytes);
    if (bytesBeforeCheck < 0) {
      checkBytes(bytes);
    }
  }

  /**
   * Charges {@code bytes} of data already written, which may share their extents with their source (a reflinked
   * copy): held to the cap, and the reserve looked at as often as for other writes, but not foreseen.
   */
  public synchronized void chargeWritten(long bytes) throws JimgException {
    cancellation.check();
    count(bytes);
    if (bytesBeforeCheck < 0) {
      checkBytes(0);
    }
  }

  /** Charges a new inode with {@code metadataBytes} of its own (xattrs), which count against the reserve only. */
  public synchronized void chargeInode(long metadataBytes) throws JimgException {
    cancellation.check();
    bytesBeforeCheck -= INODE_BYTES + metadataBytes;
    inodesBeforeCheck--;
    if (bytesBeforeCheck < 0) {
      checkBytes(INODE_BYTES + metadataBytes);
    }
    if (inodesBeforeCheck < 0) {
      checkInodes();
    }
  }

  /** Throws {@link JimgException.Reason#CANCELLED} once the import is cancelled; between blocks, charged or not. */
  public void checkpoint() throws JimgException {
    cancellation.check();
  }

  /**
   * Refuses a disk image's size, holes included, that the cap cannot hold: one known before anything is written,
   * or the size a stream has reached.
   */
  public void requireWithinCap(long size) throws JimgException {
    if (cap >= 0 && size > cap) {
      throw new JimgException(Reason.FAILED, what + " stopped: its image is larger than --size-max (" + cap
          + " bytes)");
    }
  }

  private void count(long bytes) throws JimgException {
    charged += bytes;
    if (cap >= 0 && charged > cap) {
      throw new JimgException(Reason.FAILED, what + " stopped: it unpacks to more than --size-max (" + cap
          + " bytes)");
    }
    bytesBeforeCheck -= bytes;
  }

  private void checkBytes(long pending) throws JimgException {
    FilesystemSpace space = space();
    long room = space.availableBytes() - reserve(space.totalBytes());
    if (room < pending) {
      throw new JimgException(Reason.FAILED, what + " stopped: the filesystem of " + where + " would fall below "
          + RESERVE_PERCENT + "% free (" + mib(space.availableBytes()) + " of " + mib(space.totalBytes())
          + " available)");
    }
    bytesBeforeCheck = Math.min(CHECK_BYTES, (room - pending) / 2);
  }

  private void checkInodes() throws JimgException {
    FilesystemSpace space = space();
    if (!space.countsInodes()) {
      inodesBeforeCheck = Long.MAX_VALUE;
      return;
    }
    long room = space.freeInodes() - reserve(space.totalInodes());
    if (room < 1) {
      throw new JimgException(Reason.FAILED, what + " stopped: the filesystem of " + where + " would fall below "
          + RESERVE_PERCENT + "% free inodes (" + space.freeInodes() + " of " + space.totalInodes() + " free)");
    }
    inodesBeforeCheck = Math.min(CHECK_INODES, (room - 1) / 2);
  }

  private FilesystemSpace space() throws JimgException {
    try {
      return FilesystemSpace.of(filesystem);
    } catch (NativeException e) {
      throw new JimgException(Reason.FAILED, what + " stopped: cannot tell the free space of " + where + ": "
          + e.getMessage(), e);
    }
  }

  private static long reserve(long total) {
    return total / 100 * RESERVE_PERCENT;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }
}
