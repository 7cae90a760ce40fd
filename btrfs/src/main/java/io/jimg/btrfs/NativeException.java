package io.jimg.btrfs;

import java.io.IOException;

/**
 * A failed system call: which call, on which path, and the errno by name, so that a person reads
 * {@code renameat2 /var/lib/machines/deb: EEXIST (file exists)} and never a bare number.
 */
public class NativeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final String path;
  private final int errno;

  public NativeException(String call, String path, int errno) {
    super(call + " " + path + ": " + Errno.name(errno) + " (" + Errno.description(errno) + ")");
    this.call = call;
    this.path = path;
    this.errno = errno;
  }

  /** The call that failed, such as {@code openat} or {@code BTRFS_IOC_SNAP_CREATE_V2}. */
  public String call() {
    return call;
  }

  /** The path the call acted on, as a person would type it. */
  public String path() {
    return path;
  }

  public int errno() {
    return errno;
  }

  /** The errno's symbolic name, such as {@code ENOSPC}. */
  public String errnoName() {
    return Errno.name(errno);
  }

  /** The errno's description, such as {@code no space left on device}. */
  public String description() {
    return Errno.description(errno);
  }

  public boolean is(int expected) {
    return errno == expected;
  }

  /** Throws if a call returned a negative value; returns the value otherwise. */
  static long check(long result, String call, String path) throws NativeException {
    if (result < 0) {
      throw new NativeException(call, path, Native.errno());
    }
    return result;
  }

  /** Like {@link #check(long, String, String)}, naming the descriptor's path only where the call failed. */
  static long check(long result, String call, Fd fd) throws NativeException {
    if (result < 0) {
      throw new NativeException(call, fd.path(), Native.errno());
    }
    return result;
  }

  /** Like {@link #check(long, String, String)}, naming a name in the directory only where the call failed. */
  static long check(long result, String call, Fd directory, byte[] name) throws NativeException {
    if (result < 0) {
      throw new NativeException(call, directory.pathOf(name), Native.errno());
    }
    return result;
  }
}
