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
  private volatile String sha256;

  NewImage(Fd descriptor, Path path) {
    this.descriptor = descriptor;
    this.path = path;
  }

  /**
   * The SHA-256 (hex) of the file the filler read, known only once it has read it: the store adds it to the
   * origin the image is created with ({@link CreateOptions#origin()}).
   */
  public void sha256(String hex) {
    this.sha256 = hex;
  }

  /** The origin to record: {@code given} with the digest the filler reported. */
  Origin origin(Origin given) {
    return given == null || sha256 == null ? given : given.withSha256(sha256);
  }

  /** Where the new image lies under its hidden temporary name, for messages. */
  public Path path() {
    return path;
  }

  Fd descriptor() {
    return descriptor;
  }
}
