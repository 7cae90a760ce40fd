package io.jimg.cli;

import java.util.Iterator;
import java.util.List;

/** What the completion script offers for a boolean argument. */
final class BooleanWords implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return List.of("true", "false").iterator();
  }
}
