package io.jimg.transfer.tar;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.Untouched;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Has the kernel read the files an export reads next: a thread of its own walks the tree in the export's order
 * and asks for each regular file's data (POSIX_FADV_WILLNEED), at most {@link #LEAD} bytes ahead of the export.
 * The disk then works while the export formats and writes, where it would otherwise wait for one file after
 * another; the lookups warm the metadata the export's stats need too. Only advice: whatever fails here is
 * left to the export to meet and report.
 */
final class ReadAhead implements AutoCloseable {
  /** Bounds the page cache this fills ahead of the export. */
  static final long LEAD = 64L << 20;

  private final Fd root;
  private final long rootDevice;
  private final Thread thread;
  private volatile boolean stopped;
  /** Bytes the export has read; written by the export's thread only. */
  private volatile long consumed;
  private long requested;

  ReadAhead(Fd root, long rootDevice, ThreadFactory threads) {
    this.root = root;
    this.rootDevice = rootDevice;
    this.thread = threads.newThread(this::run);
    thread.start();
  }

  /** Tells how far the export has read, in bytes of file data. */
  void consumed(long bytes) {
    consumed = bytes;
  }

  private void run() {
    // A descriptor of its own: a directory's descriptor carries the position of its listing, which the export's
    // listing of the same descriptor would share.
    try (Fd own = Untouched.directory(root, new byte[] {'.'})) {
      directory(own);
    } catch (NativeException | RuntimeException e) {
      // advice only: the export meets the same fault itself and reports it
    }
  }

  private void directory(Fd directory) throws NativeException {
    for (DirEntry child : TarExport.childrenInOrder(directory)) {
      if (stopped) {
        return;
      }
      if (child.type() == DirEntry.DT_REG) {
        file(directory, child.name());
      } else if (child.type() == DirEntry.DT_DIR) {
        try (Fd sub = Untouched.directory(directory, child.name())) {
          if (sub.stat().device() == rootDevice) {
            directory(sub);
          }
        } catch (NativeException e) {
          // gone or unreadable: the export says so
        }
      }
    }
  }

  private void file(Fd directory, byte[] name) {
    // Only a regular file is opened: a device node or fifo swapped in since the listing is never touched.
    try (Fd file = Untouched.regularFile(directory, name, Linux.O_RDONLY)) {
      long size = file.stat().size();
      while (requested - consumed > LEAD && !stopped) {
        LockSupport.parkNanos(1_000_000L);
      }
      file.willNeed();
      requested += size;
    } catch (NativeException e) {
      // advice only
    }
  }

  @Override
  public void close() {
    stopped = true;
    DaemonThreads.joinUninterruptibly(thread);
  }
}
