package io.jimg.transfer.pull;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.NativeException;
import io.jimg.images.JimgException;
import io.jimg.transfer.pool.PoolFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The records of the pull cache's entries: beside each entry a small file ({@code <entry>.jimg-cache}) holding the
 * URL, the ETag, the verified SHA-256 of the download and the image's size; the record's modification time is the
 * entry's last use, so that recency survives the process. Records are read and written through the pool's
 * descriptor, never through a symlink (see {@link PoolFiles}); only names a pull could have given an entry count
 * as one.
 */
final class CacheRecords {
  static final String RECORD_SUFFIX = ".jimg-cache";
  /** Far above any record a pull writes (a URL, an ETag, a digest). */
  private static final int RECORD_MAX = 64 * 1024;

  record Entry(String name, String url, String etag, String sha256, ImageFormat format, long size, Instant lastUsed) {}

  private final Fd pool;
  private final Clock clock;

  /** The records in the pool open as {@code pool}, which stays the caller's. */
  CacheRecords(Fd pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  List<Entry> entries() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (DirEntry record : pool.list()) {
      String file = FileNames.show(record.name());
      if (file.startsWith(".") && file.endsWith(RECORD_SUFFIX) && FileNames.isUtf8(record.name())) {
        Entry entry = read(file);
        if (entry != null) {
          entries.add(entry);
        }
      }
    }
    return entries;
  }

  List<Entry> forUrl(String url, ImageFormat format) throws IOException {
    List<Entry> matching = new ArrayList<>();
    for (Entry entry : entries()) {
      if (entry.url().equals(url) && entry.format() == format) {
        matching.add(entry);
      }
    }
    return matching;
  }

  private Entry read(String file) {
    String name = file.substring(0, file.length() - RECORD_SUFFIX.length());
    Properties properties = new Properties();
    try {
      PoolFiles.Contents record = PoolFiles.read(pool, file, RECORD_MAX);
      if (record == null) {
        return null;
      }
      properties.load(new ByteArrayInputStream(record.bytes()));
      ImageFormat format = ImageFormat.valueOf(properties.getProperty("format"));
      String url = properties.getProperty("url");
      String etag = properties.getProperty("etag");
      String sha256 = properties.getProperty("sha256");
      if (!name.startsWith("." + format.cachePrefix() + "-") || url == null || etag == null || sha256 == null) {
        return null; // not a record a pull wrote for a name it gives its entries
      }
      return new Entry(name, url, etag, sha256, format, Long.parseLong(properties.getProperty("size", "-1")),
          record.modified());
    } catch (IOException | RuntimeException e) {
      return null; // a torn or foreign record: the entry is treated as absent and will be replaced
    }
  }

  /** Writes an entry's record atomically; the entry counts as just used. */
  void record(Entry entry) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("url", entry.url());
    properties.setProperty("etag", entry.etag());
    properties.setProperty("sha256", entry.sha256());
    properties.setProperty("format", entry.format().name());
    properties.setProperty("size", Long.toString(entry.size()));
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    properties.store(record, "jimg pull cache entry");
    PoolFiles.replace(pool, recordOf(entry.name()), record.toByteArray(), clock.instant());
  }

  void touch(Entry entry) throws IOException {
    Instant now = clock.instant();
    pool.setTimes(FileNames.bytes(recordOf(entry.name())), now, now);
  }

  /** Removes an entry's record, where there is one. */
  void remove(Entry entry) throws NativeException, JimgException {
    PoolFiles.removeIfThere(pool, recordOf(entry.name()));
  }

  private static String recordOf(String name) throws JimgException {
    if (name.contains("/")) {
      throw new JimgException(JimgException.Reason.FAILED, "bad cache entry name " + name);
    }
    return name + RECORD_SUFFIX;
  }
}
