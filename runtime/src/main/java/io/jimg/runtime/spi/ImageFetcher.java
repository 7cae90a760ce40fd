package io.jimg.runtime.spi;

import io.jimg.images.ImageStore;
import java.io.IOException;

/**
 * Brings an image into a store from where it is published, for {@code @EphemeralRoot(pull = …)}. Pulling is the
 * transfer module's work, which the runtime must not depend on; the library, which sits above both, registers
 * the implementation with {@link java.util.ServiceLoader}, so that a test that has the library on its class path
 * can name a root by its URL.
 */
public interface ImageFetcher {
  /**
   * Pulls {@code source} into {@code store} as {@code name} (null: the name the source implies), replacing an
   * older copy when the source changed and reusing the pull cache when it did not, verified as {@code verify}
   * says ({@code signature}, {@code checksum}, {@code no} or a SHA-256), and returns the image's name. A pull of
   * the same source in another process is waited for, not repeated.
   */
  String fetch(ImageStore store, String source, String name, String verify) throws IOException;
}
