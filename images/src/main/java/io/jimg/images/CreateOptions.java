package io.jimg.images;

import io.jimg.btrfs.ReadOnly;

/** How a new image is published: {@code force} replaces an existing one atomically (RENAME_EXCHANGE). */
public record CreateOptions(boolean force, ReadOnly readOnly) {
  public static final CreateOptions DEFAULT = new CreateOptions(false, ReadOnly.NO);
}
