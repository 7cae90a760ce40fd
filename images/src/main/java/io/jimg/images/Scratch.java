package io.jimg.images;

import java.nio.file.Path;

/**
 * A hidden, locked {@code .#jimg-…} name in the writable pool for something that lives only as long as this
 * process holds it (an ephemeral root, say). Closing removes whatever is there (unmounting it first); after a
 * SIGKILL the next command that touches the pool sweeps it once nothing holds its lock. The modules that make
 * something under the name reach the pool's descriptor through
 * {@link io.jimg.images.spi.Descriptors#pool(Scratch)}.
 */
public interface Scratch extends AutoCloseable {
  /** The scratch entry's name in the pool (nothing exists under it until the caller creates it). */
  byte[] name();

  Path path();

  @Override
  void close();
}
