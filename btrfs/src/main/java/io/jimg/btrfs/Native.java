package io.jimg.btrfs;

import jnr.ffi.LibraryLoader;

/** Loads the libc bindings once, on first use, so that a command that never touches the kernel never pays for them. */
final class Native {
  private Native() {}

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("libc.so.6");
    static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
  }

  static LibC libc() {
    return Holder.LIBC;
  }

  /** The errno saved by the last call on this thread. */
  static int errno() {
    return Holder.RUNTIME.getLastError();
  }

  /** A NUL-terminated copy, as C wants it. */
  static byte[] cString(byte[] bytes) {
    byte[] c = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, c, 0, bytes.length);
    return c;
  }
}
