package io.jimg.service;

import io.jimg.btrfs.NativeException;
import io.jimg.images.JimgException;
import java.io.IOException;

/**
 * The store's failures as the errors systemd's own services answer for them: a missing image is the interface's
 * NoSuchImage, a name already taken or an image in use the errno machined answers ({@code io.systemd.System} with
 * EEXIST or EBUSY), a request the store refuses an invalid parameter, a failure of the kernel its errno.
 */
final class StoreErrors {
  private StoreErrors() {}

  static final int EIO = 5;
  static final int EBUSY = 16;
  static final int EEXIST = 17;

  /**
   * The error for {@code failure}; {@code noSuchImage} is the calling interface's NoSuchImage, {@code parameter}
   * the one a refused request names.
   */
  static VarlinkError of(IOException failure, String noSuchImage, String parameter) {
    if (failure instanceof JimgException e) {
      switch (e.reason()) {
        case NOT_FOUND:
          return new VarlinkError(noSuchImage);
        case EXISTS:
          return VarlinkError.systemErrno(EEXIST);
        case BUSY:
          return VarlinkError.systemErrno(EBUSY);
        case USAGE:
          return VarlinkError.invalidParameter(parameter);
        default:
          break;
      }
    }
    if (failure instanceof NativeException e) {
      return VarlinkError.systemErrno(e.errno());
    }
    if (failure.getCause() instanceof NativeException e) {
      return VarlinkError.systemErrno(e.errno());
    }
    return VarlinkError.systemErrno(EIO);
  }
}
