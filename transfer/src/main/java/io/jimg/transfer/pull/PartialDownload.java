package io.jimg.transfer.pull;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.WrongFileType;
import io.jimg.images.JimgException;
import io.jimg.transfer.http.DownloadObserver;
import io.jimg.transfer.raw.WriteBudget;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The resumable temporary a download of one URL goes to in the pool, with the ETag it was fetched under in
 * {@code <name>.etag} beside it. The name is stable per URL so that a later pull resumes it; the file is held
 * under an OFD lock while the download lives, so that the store's sweep of abandoned downloads passes it by.
 */
final class PartialDownload implements AutoCloseable {
  /** Far above any ETag a server sends; a longer file is no ETag of jimg's. */
  private static final int ETAG_MAX = 4096;

  private final Fd pool;
  private final String name;
  private final Fd file;
  private final FileChannel channel;

  private PartialDownload(Fd pool, String name, Fd file, FileChannel channel) {
    this.pool = pool;
    this.name = name;
    this.file = file;
    this.channel = channel;
  }

  /** Opens (making it where missing) and locks the download of {@code url} in {@code pool}, which stays the caller's. */
  static PartialDownload open(Fd pool, ImageFormat format, URI url) throws IOException {
    String name = name(format, url);
    Fd file = locked(pool, FileNames.bytes(name));
    try {
      // The channel reaches the locked descriptor's own file through its /proc link, never the name again.
      FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + file.fd()), StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      return new PartialDownload(pool, name, file, channel);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** {@code .#jimg-download-<format><first 16 hex digits of the URL's SHA-256>}. */
  static String name(ImageFormat format, URI url) {
    return ".#jimg-download-" + format.cachePrefix() + CacheNames.sha256(url.toString()).substring(0, 16);
  }

  FileChannel channel() {
    return channel;
  }

  /** The ETag the bytes already here were fetched under; null where there is none. */
  String etag() throws NativeException {
    PoolFiles.Contents etag = PoolFiles.read(pool, etagName(), ETAG_MAX);
    String text = etag == null ? "" : new String(etag.bytes(), StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? null : text;
  }

  /** Records the ETag of the bytes about to be written (null for none), before the first of them lands. */
  void recordEtag(String etag) throws NativeException {
    PoolFiles.replace(pool, etagName(), (etag == null ? "" : etag).getBytes(StandardCharsets.UTF_8), null);
  }

  /**
   * What hears the download as it lands: its ETag recorded before the first byte, and each write charged to a
   * budget, so that a download stops before the pool's filesystem falls below the reserve an import keeps.
   */
  DownloadObserver observer(URI url) {
    WriteBudget budget = WriteBudget.forDownload(file, pool.path(), url.toString());
    return new DownloadObserver() {
      @Override
      public void started(String etag) throws IOException {
        recordEtag(etag);
      }

      @Override
      public void writing(long bytes) throws IOException {
        try {
          budget.charge(bytes);
        } catch (JimgException e) {
          discard(); // it cannot be finished here: a partial file kept to resume would only hold the room
          throw e;
        }
      }
    };
  }

  /** Removes the download and its ETag: nothing is left to resume. */
  void discard() throws NativeException {
    PoolFiles.removeIfThere(pool, name);
    PoolFiles.removeIfThere(pool, etagName());
  }

  private String etagName() {
    return name + ".etag";
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      file.close();
    }
  }

  /**
   * The download's file under an OFD lock: made new (O_EXCL), or the regular file a killed pull left to resume;
   * anything else planted under the name is refused, never opened. Not a FileChannel lock: that is a POSIX lock,
   * which goes when this process closes any descriptor of the file, a sweep's look at it included.
   */
  private static Fd locked(Fd pool, byte[] name) throws IOException {
    while (true) {
      Fd file;
      try {
        file = RegularFiles.openOrCreate(pool, name, Linux.O_RDWR | Linux.O_NOCTTY, 0600);
      } catch (WrongFileType e) {
        throw new JimgException(JimgException.Reason.FAILED, pool.pathOf(name)
            + " is not a regular file: jimg never made it, remove it");
      }
      try {
        file.lock(LockKind.EXCLUSIVE);
        Stat named = pool.statIfExists(name);
        Stat open = file.stat();
        if (named != null && named.inode() == open.inode() && named.device() == open.device()) {
          return file;
        }
      } catch (IOException | RuntimeException e) {
        file.close();
        throw e;
      }
      file.close(); // a sweep removed it while we waited for its lock: make it again
    }
  }
}
