package io.jimg.images;

import java.io.IOException;

/**
 * Applies one layer's changes onto a new layer's tree, which holds its parent layer's tree already (or nothing,
 * for a first layer), and returns the bytes the layer's content takes: the layer store's cache bound sums them.
 */
@FunctionalInterface
public interface LayerFiller {
  long fill(NewImage layer) throws IOException;
}
