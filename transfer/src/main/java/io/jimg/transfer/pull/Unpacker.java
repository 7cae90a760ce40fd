package io.jimg.transfer.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Unpacks a verified download into the store as {@code name}, reading only from the open file it is given (the
 * same one whose bytes were hashed), and publishes it only when complete. The tar and raw importers provide it.
 */
@FunctionalInterface
public interface Unpacker {
  void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) throws IOException;

  /** As above, stopped by {@code cancellation} where the unpacker can be; by default it runs to its end. */
  default void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    unpack(verified, format, name, options);
  }

  /** As above, {@code source} naming the file in messages (its URL); by default it is not named. */
  default void unpack(FileChannel verified, String source, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    unpack(verified, format, name, options, cancellation);
  }
}
