package io.jimg.images;

import java.io.IOException;

/** Populates a fresh, empty, hidden root directory (a subvolume on btrfs) that the store then publishes. */
@FunctionalInterface
public interface TreeFiller {
  void fill(NewImage root) throws IOException;
}
