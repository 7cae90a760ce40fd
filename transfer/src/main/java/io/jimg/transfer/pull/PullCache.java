package io.jimg.transfer.pull;

import io.jimg.images.JimgException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;

/**
 * The hidden read-only images a pull leaves per URL and ETag, each with a small record beside it
 * ({@code <entry>.jimg-cache}) holding the URL, the ETag, the verified SHA-256 of the download and the image's
 * size; the record's modification time is the entry's last use, so that recency survives the process and the
 * least recently used entries go first when the cache exceeds its cap.
 */
final class PullCache {
  static final String RECORD_SUFFIX = ".jimg-cache";

  record Entry(String name, String url, String etag, String sha256, ImageFormat format, long size, Instant lastUsed) {}

  private final Path pool;
  private final Clock clock;

  PullCache(Path pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  List<Entry> entries() throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> records = Files.newDirectoryStream(pool, ".*" + RECORD_SUFFIX)) {
      for (Path record : records) {
        Entry entry = read(record);
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

  private Entry read(Path record) {
    String file = record.getFileName().toString();
    String name = file.substring(0, file.length() - RECORD_SUFFIX.length());
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(record)) {
      properties.load(in);
      return new Entry(name, properties.getProperty("url"), properties.getProperty("etag"),
          properties.getProperty("sha256"), ImageFormat.valueOf(properties.getProperty("format")),
          Long.parseLong(properties.getProperty("size", "-1")), Files.getLastModifiedTime(record).toInstant());
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
    Path record = recordOf(entry.name());
    Path temporary = pool.resolve(".#jimg-record-" + Long.toHexString(System.nanoTime()));
    try (OutputStream out = Files.newOutputStream(temporary)) {
      properties.store(out, "jimg pull cache entry");
    }
    Files.setLastModifiedTime(temporary, FileTime.from(clock.instant()));
    Files.move(temporary, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  void touch(Entry entry) throws IOException {
    Files.setLastModifiedTime(recordOf(entry.name()), FileTime.from(clock.instant()));
  }

  /** Forgets an entry: its record first, so that a half-removed image is never offered as a cache hit. */
  void remove(Entry entry, PullStore store) throws IOException {
    Files.deleteIfExists(recordOf(entry.name()));
    if (store.exists(entry.name())) {
      store.remove(entry.name());
    }
  }

  /** Removes the least recently used entries, sparing {@code keep}, until the entries take at most {@code max}. */
  List<String> evict(long max, String keep, PullStore store) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Entry entry : entries()) {
      if (store.exists(entry.name())) {
        entries.add(entry);
      } else {
        Files.deleteIfExists(recordOf(entry.name())); // its image went by other means (jimg clean, remove)
      }
    }
    entries.sort(Comparator.comparing(Entry::lastUsed));
    long total = 0;
    for (Entry entry : entries) {
      total += Math.max(0, entry.size());
    }
    List<String> evicted = new ArrayList<>();
    for (Entry entry : entries) {
      if (total <= max) {
        break;
      }
      if (entry.name().equals(keep)) {
        continue;
      }
      remove(entry, store);
      total -= Math.max(0, entry.size());
      evicted.add(entry.name());
    }
    return evicted;
  }

  private Path recordOf(String name) throws JimgException {
    if (name.contains("/")) {
      throw new JimgException(JimgException.Reason.FAILED, "bad cache entry name " + name);
    }
    return pool.resolve(name + RECORD_SUFFIX);
  }
}
