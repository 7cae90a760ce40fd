package io.jimg.btrfs;

/** Told how far a tree copy has come; called from the copying thread, so keep it cheap. */
@FunctionalInterface
public interface CopyProgress {
  CopyProgress NONE = (bytes, entries) -> {};

  void copied(long bytes, long entries);
}
