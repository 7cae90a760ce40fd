package io.jimg.images;

import io.jimg.btrfs.Fd;
import java.nio.file.Path;

/**
 * A new image while its filler makes it, before the store publishes it: a fresh, empty, hidden root directory (a
 * subvolume on btrfs) or raw file (opened read-write). The store owns it and closes it after the filler returns;
 * the modules that write into it reach its descriptor through {@link io.jimg.images.spi.Descriptors}.
 */
public final class NewImage {
  private final Fd descriptor;
  private final Path path;

  NewImage(Fd descriptor, Path path) {
    this.descriptor = descriptor;
    this.path = path;
  }

  /** Where the new image lies under its hidden temporary name, for messages. */
  public Path path() {
    return path;
  }

  Fd descriptor() {
    return descriptor;
  }
}
