package io.jimg.images;

import io.jimg.btrfs.Fd;
import java.nio.file.Path;

/**
 * An image held under the same locks systemd-nspawn takes (shared for reading, exclusive for writing), so
 * that nothing removes or replaces it while the lease is open. Closing releases the locks.
 */
public interface ImageLease extends AutoCloseable {
  Image image();

  /** The image's root directory, or the raw file or block device itself, opened for reading. */
  Fd open();

  Path path();

  @Override
  void close();
}
