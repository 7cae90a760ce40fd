package io.jimg.btrfs;

/**
 * A name that was to be a file of one type (a regular file, a block device) is another: refused before anything
 * but an O_PATH open touched it. The errno is systemd's for the same refusal: EISDIR for a directory, ELOOP for a
 * symbolic link, EBADFD for the rest.
 */
public final class WrongFileType extends NativeException {
  private static final long serialVersionUID = 1L;

  private final String message;

  WrongFileType(String path, int found, int expected) {
    super("open", path, errno(found));
    this.message = path + " is " + describe(found) + ", not " + describe(expected);
  }

  private static int errno(int type) {
    switch (type) {
      case Linux.S_IFDIR:
        return Linux.EISDIR;
      case Linux.S_IFLNK:
        return Linux.ELOOP;
      default:
        return Linux.EBADFD;
    }
  }

  /** A file type (the S_IFMT bits of a mode) in words, with its article. */
  static String describe(int type) {
    switch (type) {
      case Linux.S_IFREG:
        return "a regular file";
      case Linux.S_IFDIR:
        return "a directory";
      case Linux.S_IFLNK:
        return "a symbolic link";
      case Linux.S_IFCHR:
        return "a character device";
      case Linux.S_IFBLK:
        return "a block device";
      case Linux.S_IFIFO:
        return "a fifo";
      case Linux.S_IFSOCK:
        return "a socket";
      default:
        return "a file of type 0" + Integer.toOctalString(type);
    }
  }

  @Override
  public String getMessage() {
    return message;
  }
}
