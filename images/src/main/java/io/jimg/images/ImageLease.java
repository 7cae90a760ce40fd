package io.jimg.images;

import java.nio.file.Path;

/**
 * An image held under the same locks systemd-nspawn takes (shared for reading, exclusive for writing), so
 * that nothing removes or replaces it while the lease is open. Closing releases the locks. The modules that read
 * the image's bytes open it through {@link io.jimg.images.spi.Descriptors#open(ImageLease)}.
 */
public interface ImageLease extends AutoCloseable {
  Image image();

  Path path();

  @Override
  void close();
}
