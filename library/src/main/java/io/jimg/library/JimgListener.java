package io.jimg.library;

import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;

/**
 * Hears the store and the transfers of a {@link Jimg}: what a transfer reports comes with the transfer's id, so that
 * a caller running several at once can tell them apart. A plain {@link StoreListener} given to the builder hears the
 * same events without the id (the defaults here pass them on that way). The library never prints; it may call a
 * listener from several threads at once.
 */
public interface JimgListener extends StoreListener {
  /** An event of the transfer {@code transfer} (see {@link Transfer#id()}). */
  default void event(long transfer, StoreEvent event) {
    event(event);
  }

  /** Progress of the transfer {@code transfer}. */
  default void progress(long transfer, Progress progress) {
    progress(progress);
  }

  /**
   * A transfer starts, heard on the thread that started it, before its work runs: a caller that runs many callers'
   * work on one root (the service) tells by the thread whose transfer it is. Nothing by default.
   */
  default void started(Transfer<?> transfer) {}

  /** {@code listener} as a JimgListener: itself where it is one, else one that passes everything on without ids. */
  static JimgListener of(StoreListener listener) {
    if (listener instanceof JimgListener jimgListener) {
      return jimgListener;
    }
    return new JimgListener() {
      @Override
      public void event(StoreEvent event) {
        listener.event(event);
      }

      @Override
      public void progress(Progress progress) {
        listener.progress(progress);
      }
    };
  }
}
