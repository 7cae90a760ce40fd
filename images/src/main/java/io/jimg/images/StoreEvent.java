package io.jimg.images;

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
}
