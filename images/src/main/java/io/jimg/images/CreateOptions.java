package io.jimg.images;

/**
 * How a new image is published: {@code force} replaces an existing one atomically (RENAME_EXCHANGE);
 * {@code readOnly} publishes it read-only (the btrfs flag on a subvolume, chattr +i on a directory, mode 0444 on a
 * raw file); {@code origin}, where not null, is recorded beside it as {@code NAME.origin} and published with it
 * (the store sets its time). A clone records its source's origin with the source named, unless given one.
 */
public record CreateOptions(boolean force, boolean readOnly, Origin origin) {
  public static final CreateOptions DEFAULT = new CreateOptions(false, false);

  /** Options that record no origin. */
  public CreateOptions(boolean force, boolean readOnly) {
    this(force, readOnly, null);
  }

  /** These options, recording {@code where} as the new image's origin. */
  public CreateOptions withOrigin(Origin where) {
    return new CreateOptions(force, readOnly, where);
  }
}
