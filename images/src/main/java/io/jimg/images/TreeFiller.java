package io.jimg.images;

import io.jimg.btrfs.Fd;
import java.io.IOException;
import java.nio.file.Path;

/** Populates a fresh, empty, hidden root directory (a subvolume on btrfs) that the store then publishes. */
@FunctionalInterface
public interface TreeFiller {
  void fill(Fd root, Path path) throws IOException;
}
