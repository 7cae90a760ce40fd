package io.jimg.images;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Quota;
import io.jimg.btrfs.QuotaUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Usage figures per image, kept for a short while: reading qgroups walks a btree, and a listing of a big pool
 * asks for every image. Keyed by the image's identity (device and inode), so a renamed image keeps its figures
 * and a new image under an old name does not inherit them. Every figure says when it was measured.
 */
final class UsageCache {
  static final Duration FRESH_FOR = Duration.ofSeconds(30);

  private record Key(long device, long inode, ImageType type) {}

  private final Clock clock;
  /**
   * Built when the first figure worth keeping is measured: most commands never read usage, and a pool without quota
   * has none to keep, while building the cache costs a command some 50 ms (its classes, logging, method handles).
   */
  private Cache<Key, Usage> cache;

  UsageCache(Clock clock) {
    this.clock = clock;
  }

  private synchronized Cache<Key, Usage> cache() {
    if (cache == null) {
      cache = Caffeine.newBuilder()
          .expireAfterWrite(FRESH_FOR)
          .maximumSize(10_000)
          .ticker(() -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
          })
          .build();
    }
    return cache;
  }

  Usage usage(Entry entry) throws NativeException {
    Key key = new Key(entry.stat().device(), entry.stat().inode(), entry.type());
    Usage cached = cached(key);
    if (cached != null) {
      return cached;
    }
    Usage measured = measure(entry);
    // Knowing nothing (a directory, a subvolume without quota) took no reading of qgroups: nothing to keep.
    if (measured.bytes() != Usage.UNKNOWN) {
      cache().put(key, measured);
    }
    return measured;
  }

  private synchronized Usage cached(Key key) {
    return cache == null ? null : cache.getIfPresent(key);
  }

  /** Forgets everything: after a change the next listing measures again. */
  synchronized void invalidate() {
    if (cache != null) {
      cache.invalidateAll();
    }
  }

  private Usage measure(Entry entry) throws NativeException {
    Instant now = clock.instant();
    switch (entry.type()) {
      case SUBVOLUME:
        try (Fd root = ReadOnlyFlag.open(entry)) {
          QuotaUsage quota = Quota.usage(root);
          if (quota.state() == QuotaUsage.State.DISABLED) {
            return Usage.unknown(now);
          }
          return new Usage(quota.referenced(), quota.exclusive(), quota.limitReferenced(), quota.limitExclusive(),
              quota.state() == QuotaUsage.State.CURRENT, now);
        }
      case RAW:
        long bytes = entry.stat().blocks() * 512;
        return new Usage(bytes, bytes, Usage.UNKNOWN, Usage.UNKNOWN, true, now);
      default:
        // A directory's usage would take a walk of the whole tree; systemd does not show one either.
        return Usage.unknown(now);
    }
  }
}
