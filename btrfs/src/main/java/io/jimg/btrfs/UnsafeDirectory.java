package io.jimg.btrfs;

import java.nio.file.Path;

/**
 * A directory the store was to work in, or one on the way to it, that a user other than root could change: see
 * {@link Directories}. A NativeException (EPERM) so that it fails whatever call opened the directory, and
 * reaches the person as that call's failure does, with its own words.
 */
public final class UnsafeDirectory extends NativeException {
  private static final long serialVersionUID = 1L;

  private final String message;

  UnsafeDirectory(Path asked, Path offending, String problem) {
    super("openat", offending.toString(), Linux.EPERM);
    this.message = "refusing to work in " + asked + ": " + (offending.equals(asked) ? "it" : offending)
        + " " + problem + " (another user could change what root works on there)";
  }

  @Override
  public String getMessage() {
    return message;
  }
}
