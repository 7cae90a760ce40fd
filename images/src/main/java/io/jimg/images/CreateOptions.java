package io.jimg.images;

/**
 * How a new image is published: {@code force} replaces an existing one atomically (RENAME_EXCHANGE);
 * {@code readOnly} publishes it read-only (the btrfs flag on a subvolume, chattr +i on a directory, mode 0444 on a
 * raw file).
 */
public record CreateOptions(boolean force, boolean readOnly) {
  public static final CreateOptions DEFAULT = new CreateOptions(false, false);
}
