package io.jimg.transfer.http;

import java.io.IOException;

/** Hears when a body starts, so that the caller can record the ETag a later resume must match. */
@FunctionalInterface
public interface DownloadObserver {
  DownloadObserver NONE = etag -> {};

  /** Called before the first body byte is written; {@code etag} is null where the server sent no strong one. */
  void started(String etag) throws IOException;
}
