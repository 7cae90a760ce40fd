package io.jimg.transfer.http;

import java.io.IOException;

/**
 * Hears when a body starts, so that the caller can record the ETag a later resume must match, and before each
 * piece of it is written, so that the caller can refuse bytes its file's filesystem has no room for.
 */
@FunctionalInterface
public interface DownloadObserver {
  DownloadObserver NONE = etag -> {};

  /** Called before the first body byte is written; {@code etag} is null where the server sent no strong one. */
  void started(String etag) throws IOException;

  /** Called before {@code bytes} more bytes of the body are written; throws where they must not be. */
  default void writing(long bytes) throws IOException {}
}
