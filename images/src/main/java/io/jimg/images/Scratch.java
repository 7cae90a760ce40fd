package io.jimg.images;

import io.jimg.btrfs.Fd;
import java.nio.file.Path;

/**
 * A hidden, locked {@code .#jimg-…} name in the writable pool for something that lives only as long as this
 * process holds it (an ephemeral root, say). Closing removes whatever is there (unmounting it first); after a
 * SIGKILL the next command that touches the pool sweeps it once nothing holds its lock.
 */
public interface Scratch extends AutoCloseable {
  /** The pool directory the scratch name lives in. */
  Fd pool();

  /** The scratch entry's name in the pool (nothing exists under it until the caller creates it). */
  byte[] name();

  Path path();

  @Override
  void close();
}
