package io.jimg.images;

import java.nio.file.Path;

/** Something the store did or noticed, for the caller to show or log. */
public record StoreEvent(Kind kind, String image, String message) {
  public enum Kind {
    CREATED,
    REMOVED,
    RENAMED,
    CHANGED,
    SWEPT,
    SKIPPED_BUSY,
    WARNING
  }

  /** An image made in {@code pool}, in place of one of that name where {@code replaced}. */
  static StoreEvent created(String name, boolean replaced, Path pool) {
    return new StoreEvent(Kind.CREATED, name, (replaced ? "replaced in " : "created in ") + pool);
  }
}
