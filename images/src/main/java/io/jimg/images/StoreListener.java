package io.jimg.images;

/** Hears what the store does; the library never prints, its caller renders these. */
public interface StoreListener {
  StoreListener NONE = new StoreListener() {};

  default void event(StoreEvent event) {}

  default void progress(Progress progress) {}
}
