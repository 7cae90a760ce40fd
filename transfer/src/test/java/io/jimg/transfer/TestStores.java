package io.jimg.transfer;

import io.jimg.images.ImageStore;
import java.nio.file.Path;

/**
 * Stores for tests: their image locks live beside the pool rather than in the host's
 * {@code /run/systemd/nspawn/locks}, which the host's own containers use. Every store opened on one pool, in this
 * process or a child, derives the same lock directory, so they still exclude each other.
 */
public final class TestStores {
  private TestStores() {}

  public static ImageStore.Builder on(Path pool) {
    return ImageStore.builder().imageRoot(pool).lockDirectory(pool.resolveSibling(pool.getFileName() + ".locks"));
  }
}
