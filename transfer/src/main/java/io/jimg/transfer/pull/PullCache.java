package io.jimg.transfer.pull;

import io.jimg.btrfs.Fd;
import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.JimgException;
import io.jimg.images.Origin;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Download;
import io.jimg.transfer.pull.CacheRecords.Entry;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The pull cache: a hidden read-only image per URL and ETag (named as systemd-pull names them), whose ETags a
 * download offers the server, reused while the server says the file is unchanged and the fresh proof still vouches
 * for it, and kept within the cache's size limit by removing the least recently used entries first.
 */
final class PullCache {
  private final PullStore store;
  private final CacheRecords records;
  private final Clock clock;
  private final StoreListener listener;

  /** The cache in the store's pool, open as {@code pool}, which stays the caller's. */
  PullCache(PullStore store, Fd pool, Clock clock, StoreListener listener) {
    this.store = store;
    this.records = new CacheRecords(pool, clock);
    this.clock = clock;
    this.listener = listener;
  }

  /** The entries kept for {@code url} in {@code format}. */
  List<Entry> known(URI url, ImageFormat format) throws IOException {
    return records.forUrl(url.toString(), format);
  }

  static List<String> etags(List<Entry> entries) {
    return entries.stream().map(Entry::etag).toList();
  }

  /**
   * Makes image {@code name} a copy of the entry the server says is current ({@code etag}; any where it sent none),
   * if the fresh proof still vouches for it; the entry used, or null where there is none to use. An entry the proof
   * no longer vouches for is removed.
   */
  Entry reuse(List<Entry> known, String etag, String name, String fileName, Proof proof, PullOptions options,
      Origin origin, Cancellation cancellation) throws IOException {
    Entry entry = mostRecent(known, etag);
    if (entry == null || !store.exists(entry.name())) {
      return null;
    }
    if (!proof.vouchesFor(fileName, entry.sha256())) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, entry.name(),
          "the cached download no longer matches the checksum file; downloading again"));
      remove(entry);
      return null;
    }
    store.copy(entry.name(), name, options.readOnly(), options.force(), cancellation,
        origin.withSha256(entry.sha256()));
    records.touch(entry);
    return entry;
  }

  /**
   * Unpacks a verified download as the entry for its ETag (replacing the one of that name), records it, makes image
   * {@code name} a copy of it, and evicts the least recently used entries beyond the cache's size limit. A cancelled
   * copy takes the entry it was made from with it: nothing of the pull stays. Both record {@code origin}.
   */
  void keep(FileChannel verified, URI url, ImageFormat format, Download download, List<Entry> known, String name,
      PullOptions options, Origin origin, Cancellation cancellation) throws IOException {
    String entry = CacheNames.entry(format, url.toString(), download.etag());
    for (Entry stale : known) {
      if (stale.name().equals(entry)) {
        remove(stale);
      }
    }
    verified.position(0);
    store.unpack(verified, url.toString(), format, entry, new CreateOptions(true, true, origin), cancellation);
    long size = store.size(entry); // unknown without quota: then the download's size stands in
    Entry kept = new Entry(entry, url.toString(), download.etag(), HexFormat.of().formatHex(download.sha256()),
        format, size >= 0 ? size : download.size(), clock.instant());
    records.record(kept);
    try {
      store.copy(entry, name, options.readOnly(), options.force(), cancellation, origin);
    } catch (JimgException e) {
      if (e.reason() == JimgException.Reason.CANCELLED) {
        remove(kept);
      }
      throw e;
    }
    for (String evicted : evict(options.cacheMax(), entry)) {
      listener.event(new StoreEvent(StoreEvent.Kind.REMOVED, evicted, "evicted from the pull cache"));
    }
  }

  /** Removes every entry with its record; returns the names removed. */
  List<String> clear() throws IOException {
    List<String> removed = new ArrayList<>();
    for (Entry entry : records.entries()) {
      remove(entry);
      removed.add(entry.name());
    }
    return removed;
  }

  private static Entry mostRecent(List<Entry> known, String etag) {
    Entry best = null;
    for (Entry entry : known) {
      if ((etag == null || entry.etag().equals(etag))
          && (best == null || entry.lastUsed().isAfter(best.lastUsed()))) {
        best = entry;
      }
    }
    return best;
  }

  /** Forgets an entry: its record first, so that a half-removed image is never offered as a cache hit. */
  private void remove(Entry entry) throws IOException {
    records.remove(entry);
    if (store.exists(entry.name())) {
      store.remove(entry.name());
    }
  }

  /** Removes the least recently used entries, sparing {@code keep}, until the entries take at most {@code max}. */
  private List<String> evict(long max, String keep) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Entry entry : records.entries()) {
      if (store.exists(entry.name())) {
        entries.add(entry);
      } else {
        records.remove(entry); // its image went by other means (jimg clean, remove)
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
      remove(entry);
      total -= Math.max(0, entry.size());
      evicted.add(entry.name());
    }
    return evicted;
  }
}
