package io.jimg.transfer.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.Origin;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** What a pull needs of the image store: its pool, unpacking, snapshots and removal of images by name. */
public interface PullStore {
  /** The writable pool directory: downloads, cache entries and settings files live in it. */
  Path pool() throws IOException;

  boolean exists(String name) throws IOException;

  /** Unpacks a verified file as a new image {@code name}, published only when complete. */
  void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) throws IOException;

  /**
   * As above, stopped by {@code cancellation} where the store can be: then nothing is published and nothing of
   * the unpacking is left. By default it runs to its end.
   */
  default void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    unpack(verified, format, name, options);
  }

  /** As above, {@code source} naming the file in messages (its URL); by default it is not named. */
  default void unpack(FileChannel verified, String source, ImageFormat format, String name, CreateOptions options,
      Cancellation cancellation) throws IOException {
    unpack(verified, format, name, options, cancellation);
  }

  /**
   * A copy of {@code source} as {@code target}: a snapshot on btrfs, a reflink or copy elsewhere. With
   * {@code force} it replaces an image of that name atomically, which stays whole where the copy fails.
   */
  void copy(String source, String target, boolean readOnly, boolean force) throws IOException;

  /** As above, stopped by {@code cancellation} where the copy can be, leaving nothing; by default it runs on. */
  default void copy(String source, String target, boolean readOnly, boolean force, Cancellation cancellation)
      throws IOException {
    copy(source, target, readOnly, force);
  }

  /**
   * As above, recording {@code origin} as the copy's (the pull's, rather than the cache entry's it was copied from);
   * by default none is recorded.
   */
  default void copy(String source, String target, boolean readOnly, boolean force, Cancellation cancellation,
      Origin origin) throws IOException {
    copy(source, target, readOnly, force, cancellation);
  }

  void remove(String name) throws IOException;

  /** Gives image {@code name} its settings file {@code NAME.nspawn} beside it, replacing one there. */
  void writeSettings(String name, byte[] settings) throws IOException;

  /** Bytes the image takes, for the cache's cap; -1 where unknown. */
  long size(String name) throws IOException;
}
