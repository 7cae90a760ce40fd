package io.jimg.images;

import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.UnsafeDirectory;
import io.jimg.images.JimgException.Reason;

/** Turns a failed call into an error a person can act on: what was being done, to which image, and the errno. */
final class Failures {
  private Failures() {}

  static JimgException of(String doing, NativeException e) {
    if (e instanceof UnsafeDirectory) {
      return new JimgException(Reason.FAILED, e.getMessage(), e); // it names the directory and why, whatever was done
    }
    return new JimgException(reason(e), doing + ": " + e.getMessage(), e);
  }

  private static Reason reason(NativeException e) {
    if (e.is(Linux.EEXIST)) {
      return Reason.EXISTS;
    }
    if (e.is(Linux.EBUSY)) {
      return Reason.BUSY;
    }
    return Reason.FAILED;
  }

  static JimgException notFound(String name) {
    return new JimgException(Reason.NOT_FOUND, "no image " + ImageNames.show(name) + " in the search path");
  }

  static JimgException exists(String name, Object where) {
    return new JimgException(Reason.EXISTS, "image " + ImageNames.show(name) + " already exists at " + where);
  }

}
