package io.jimg.images;

import java.time.Instant;

/**
 * Disk usage of an image and its limits, in bytes; -1 where the type or the filesystem cannot know a value.
 * {@code measuredAt} says how fresh the figures are (they may come from a cache); {@code exact} is false where
 * the filesystem itself reports them as stale (a quota rescan running, or quota inconsistent) and under simple
 * quotas, which count data a clone shares with its source in the source only.
 */
public record Usage(long bytes, long exclusiveBytes, long limit, long exclusiveLimit, boolean exact, Instant measuredAt) {
  public static final long UNKNOWN = -1;

  public static Usage unknown(Instant now) {
    return new Usage(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, false, now);
  }
}
