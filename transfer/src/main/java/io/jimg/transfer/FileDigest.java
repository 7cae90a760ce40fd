package io.jimg.transfer;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.transfer.http.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HexFormat;

/**
 * The SHA-256 of a file an import reads, computed on a thread of its own while the import runs, by positional
 * reads of the same open file: the import reads it in its own order (a multi-block xz in parallel, a raw image with
 * its holes), so the digest takes a pass of its own, alongside, mostly from the page cache the import fills.
 */
final class FileDigest implements AutoCloseable {
  private static final int BLOCK = 1 << 20;

  private final FileChannel file;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile String hex;

  private FileDigest(FileChannel file) {
    this.file = file;
    this.thread = DaemonThreads.named("jimg-digest").newThread(this::run);
  }

  /** Starts hashing {@code file}, which stays the caller's and open until {@link #close()}. */
  static FileDigest start(FileChannel file) {
    FileDigest digest = new FileDigest(file);
    digest.thread.start();
    return digest;
  }

  private void run() {
    byte[] block = new byte[BLOCK];
    ByteBuffer buffer = ByteBuffer.wrap(block);
    try (Sha256 sha256 = Sha256.create()) {
      long position = 0;
      int n;
      while (!stopped && (n = file.read(buffer.clear(), position)) >= 0) {
        sha256.update(block, n);
        position += n;
      }
      if (!stopped) {
        hex = HexFormat.of().formatHex(sha256.digest());
      }
    } catch (IOException e) {
      // the digest stays unknown; the import reads the same file and reports what fails
    }
  }

  /** Waits for the digest: hex, or null where the file could not be read. */
  String await() throws IOException {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing the imported file");
    }
    return hex;
  }

  /** Stops hashing (an import that failed needs no digest) and waits for the thread to end. */
  @Override
  public void close() {
    stopped = true;
    DaemonThreads.joinUninterruptibly(thread);
  }
}
