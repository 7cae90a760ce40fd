package io.jimg.images;

import java.io.IOException;

/** Writes a fresh, empty, hidden raw image file (opened read-write) that the store then publishes. */
@FunctionalInterface
public interface RawFiller {
  void fill(NewImage file) throws IOException;
}
