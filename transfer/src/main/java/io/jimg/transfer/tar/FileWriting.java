package io.jimg.transfer.tar;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.images.JimgException;
import io.jimg.transfer.raw.SparseFileWriter;
import io.jimg.transfer.raw.WriteBudget;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * Writes regular files' contents and metadata on a thread of its own, so that the kernel's work on file data
 * overlaps tar parsing and the creation of names on the caller's thread. The caller creates each file and hands
 * over its descriptor; from then on this class writes, chowns, chmods, sets xattrs and times, and closes it, in
 * the order the caller queued them. The queue is bounded, and so are the open descriptors and leased chunks it
 * holds. The first failure is reported to the caller at its next call; data is charged to the import's
 * {@link WriteBudget} as it is written, so a budget's refusal is one.
 */
final class FileWriting implements AutoCloseable {
  static final int QUEUED = 256;

  /** Metadata for a file, applied in the order the kernel needs: chown, chmod, xattrs (capabilities), times. */
  record Metadata(boolean chown, int uid, int gid, int mode, List<Xattr> xattrs, Instant accessed,
      Instant modified) {}

  record Xattr(byte[] name, byte[] value) {}

  private static final class Op {
    final Fd file;
    final TarEntry entry;
    final byte[] bytes;
    final int offset;
    final int length;
    final long position;
    final ByteSource.Lease lease;
    final Metadata metadata;
    final CountDownLatch barrier;

    Op(Fd file, TarEntry entry, byte[] bytes, int offset, int length, long position, ByteSource.Lease lease,
        Metadata metadata, CountDownLatch barrier) {
      this.file = file;
      this.entry = entry;
      this.bytes = bytes;
      this.offset = offset;
      this.length = length;
      this.position = position;
      this.lease = lease;
      this.metadata = metadata;
      this.barrier = barrier;
    }
  }

  private static final Op END = new Op(null, null, null, 0, 0, 0, null, null, null);

  private final BlockingQueue<Op> queue = new ArrayBlockingQueue<>(QUEUED);
  private final Thread writer;
  private final WriteBudget budget;
  private volatile IOException failure;
  /** Set by close(): whatever is still queued then is released, not written. */
  private volatile boolean stopping;
  /** The file being written and its writer; touched only by the writer thread. */
  private Fd current;
  private SparseFileWriter currentWriter;

  FileWriting(ThreadFactory threads, WriteBudget budget) {
    this.budget = budget;
    this.writer = threads.newThread(this::run);
    writer.start();
  }

  /** Queues data for {@code file} at {@code position}; {@code lease} keeps the bytes and is released once written. */
  void data(Fd file, TarEntry entry, byte[] bytes, int offset, int length, long position, ByteSource.Lease lease)
      throws IOException {
    put(new Op(file, entry, bytes, offset, length, position, lease, null, null));
  }

  /** Queues the file's last steps: its length, metadata, and closing it. */
  void finish(Fd file, TarEntry entry, Metadata metadata) throws IOException {
    put(new Op(file, entry, null, 0, 0, 0, null, metadata, null));
  }

  /**
   * Queues closing a file the caller gave up on (its own failure ends the import). The writer closes it, never
   * the caller: data for it may still be queued, and a descriptor number closed early could be reused.
   */
  void abandon(Fd file) {
    Op op = new Op(file, null, null, 0, 0, 0, null, null, null);
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(op);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until everything queued is written, and reports a failure. */
  void drain() throws IOException {
    CountDownLatch done = new CountDownLatch(1);
    put(new Op(null, null, null, 0, 0, 0, null, null, done));
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing files");
    }
    check();
  }

  /** Queues an op; where that fails, the caller still owns the op's file, and abandons it. */
  private void put(Op op) throws IOException {
    try {
      check();
      queue.put(op);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      releaseLease(op);
      throw new InterruptedIOException("interrupted while writing files");
    } catch (IOException e) {
      releaseLease(op);
      throw e;
    }
  }

  private void check() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw f;
    }
  }

  private void run() {
    while (true) {
      Op op;
      try {
        op = queue.take();
      } catch (InterruptedException e) {
        return; // close() cleans up what is left
      }
      if (op == END) {
        return;
      }
      if (op.barrier != null) {
        op.barrier.countDown();
        continue;
      }
      if (failure != null || stopping) {
        release(op);
        continue;
      }
      try {
        apply(op); // which releases what the op holds, whatever happens
      } catch (NativeException e) {
        failure = Extraction.fail(op.entry, e);
      } catch (JimgException e) {
        failure = e; // the budget's: it names the import, and no entry is at fault
      } catch (IOException | RuntimeException e) {
        failure = Extraction.fail(op.entry, e.toString());
      }
    }
  }

  private void apply(Op op) throws IOException {
    if (op.bytes != null) {
      if (current != op.file) {
        current = op.file;
        currentWriter = new SparseFileWriter(op.file, budget);
      }
      try {
        currentWriter.write(op.bytes, op.offset, op.length, op.position);
      } finally {
        op.lease.release();
      }
      return;
    }
    try {
      Metadata m = op.metadata;
      if (m != null) {
        Fd file = op.file;
        long realSize = op.entry.realSize;
        if (current == file) {
          currentWriter.finish(realSize);
        } else if (realSize > 0) {
          file.truncate(realSize);
        }
        if (m.chown) {
          file.chown(m.uid, m.gid);
        }
        file.chmod(m.mode);
        for (Xattr x : m.xattrs) {
          file.setXattr(x.name, x.value);
        }
        file.setTimes(m.accessed, m.modified);
      }
    } finally {
      if (current == op.file) {
        current = null;
        currentWriter = null;
      }
      op.file.close();
    }
  }

  /** Gives back what an op holds without doing it. */
  private static void release(Op op) {
    releaseLease(op);
    if (op.bytes == null && op.file != null) {
      op.file.close();
    }
  }

  private static void releaseLease(Op op) {
    if (op.lease != null) {
      op.lease.release();
    }
  }

  /**
   * Stops the writer: what is still queued (nothing, after {@link #drain}) is released without being written,
   * and every file it holds is closed.
   */
  @Override
  public void close() throws IOException {
    boolean interrupted = false;
    stopping = true;
    try {
      queue.put(END);
      writer.join();
    } catch (InterruptedException e) {
      interrupted = true;
      writer.interrupt();
      while (writer.isAlive()) {
        try {
          writer.join();
        } catch (InterruptedException again) {
          // the writer returns as soon as it sees its interrupt
        }
      }
    }
    Op op;
    while ((op = queue.poll()) != null) {
      if (op != END) {
        release(op);
      }
    }
    if (current != null) {
      current.close();
      current = null;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
