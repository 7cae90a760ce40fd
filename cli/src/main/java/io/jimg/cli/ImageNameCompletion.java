package io.jimg.cli;

import java.util.Collections;
import java.util.Iterator;

/**
 * Marks a positional parameter that takes an image name: the completion script asks {@code jimg __complete-names}
 * for the candidates when the user presses tab, since they live in the pool, not in the program.
 */
final class ImageNameCompletion implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return Collections.emptyIterator();
  }
}
