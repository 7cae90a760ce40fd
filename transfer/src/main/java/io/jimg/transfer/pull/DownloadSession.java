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
import io.jimg.images.StoreListener;
import io.jimg.transfer.pool.PoolFiles;
import io.jimg.transfer.http.Download;
import io.jimg.transfer.http.DownloadObserver;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.raw.WriteBudget;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One download of a URL into the pool: the resumable temporary it goes to, with the ETag it was fetched under in
 * {@code <name>.etag} beside it, and the budget its writes are charged to. The name is stable per URL so that a
 * later pull resumes it; the file is held under an OFD lock while the session lives, so that the store's sweep of
 * abandoned downloads passes it by. A session that ends with nothing downloaded leaves nothing behind.
 */
final class DownloadSession implements AutoCloseable {
  /** Far above any ETag a server sends; a longer file is no ETag of jimg's. */
  private static final int ETAG_MAX = 4096;

  private final Fd pool;
  private final String name;
  private final Fd file;
  private final FileChannel channel;
  private boolean discarded;

  private DownloadSession(Fd pool, String name, Fd file, FileChannel channel) {
    this.pool = pool;
    this.name = name;
    this.file = file;
    this.channel = channel;
  }

  /** Opens (making it where missing) and locks the download of {@code url} in {@code pool}, which stays the caller's. */
  static DownloadSession open(Fd pool, ImageFormat format, URI url) throws IOException {
    String name = name(format, url);
    Fd file = locked(pool, FileNames.bytes(name));
    try {
      // The channel reaches the locked descriptor's own file through its /proc link, never the name again.
      FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + file.fd()), StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      return new DownloadSession(pool, name, file, channel);
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

  /**
   * Fetches the URL into the file, resuming the bytes already here where the server still has them under the same
   * ETag, and offering {@code knownEtags} so that the server can answer that one of those is current (304).
   */
  Download fetch(Fetcher fetcher, URI url, List<String> knownEtags, long sizeMax, StoreListener listener)
      throws IOException {
    return fetch(fetcher, url, etag(), knownEtags, sizeMax, listener);
  }

  /** Fetches the whole file again, offering no ETag: what the server answered 304 for could not be used. */
  Download fetchAgain(Fetcher fetcher, URI url, long sizeMax, StoreListener listener) throws IOException {
    return fetch(fetcher, url, null, List.of(), sizeMax, listener);
  }

  private Download fetch(Fetcher fetcher, URI url, String resumeEtag, List<String> knownEtags, long sizeMax,
      StoreListener listener) throws IOException {
    // The ETag is recorded before the first byte lands, so that a later pull resumes only the very same file.
    return fetcher.download(url, channel, resumeEtag, knownEtags, sizeMax, observer(url), listener);
  }

  /** The ETag the bytes already here were fetched under; null where there is none. */
  private String etag() throws NativeException {
    PoolFiles.Contents etag = PoolFiles.read(pool, etagName(), ETAG_MAX);
    String text = etag == null ? "" : new String(etag.bytes(), StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? null : text;
  }

  /** Records the ETag of the bytes about to be written (null for none), before the first of them lands. */
  private void recordEtag(String etag) throws NativeException {
    PoolFiles.replace(pool, etagName(), (etag == null ? "" : etag).getBytes(StandardCharsets.UTF_8), null);
  }

  /**
   * What hears the download as it lands: its ETag recorded before the first byte, and each write charged to a
   * budget, so that a download stops before the pool's filesystem falls below the reserve an import keeps.
   */
  private DownloadObserver observer(URI url) {
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
    discarded = true;
    PoolFiles.removeIfThere(pool, name);
    PoolFiles.removeIfThere(pool, etagName());
  }

  private String etagName() {
    return name + ".etag";
  }

  /** Ends the session; a download that has no byte yet is removed, for there is nothing to resume from. */
  @Override
  public void close() throws IOException {
    try {
      if (!discarded && channel.size() == 0) {
        discard();
      }
    } finally {
      try {
        channel.close();
      } finally {
        file.close();
      }
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
