package io.jimg.images;

import io.jimg.btrfs.Fd;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a fresh, empty, hidden raw image file (opened read-write) that the store then publishes. */
@FunctionalInterface
public interface RawFiller {
  void fill(Fd file, Path path) throws IOException;
}
