package io.jimg.btrfs;

import java.util.Arrays;
import java.util.function.Supplier;

/** Reading one xattr's value by any of the getxattr calls, whose buffer size the caller has to guess. */
final class XattrValue {
  private XattrValue() {}

  /** One getxattr-like call into a buffer of {@code size} bytes. */
  interface Call {
    long get(byte[] buffer, long size);
  }

  /**
   * The value, growing the buffer on ERANGE (a large value, or one that grew in between) up to the kernel's limit;
   * null where there is no such xattr. A failure names {@code what} and, computed only then, {@code where}.
   */
  static byte[] read(Call call, String what, Supplier<String> where) throws NativeException {
    for (int size = 256; ; size = Math.min(size * 4, Linux.XATTR_SIZE_MAX)) {
      byte[] buffer = new byte[size];
      long length = call.get(buffer, size);
      if (length < 0 && Native.errno() == Linux.ERANGE && size < Linux.XATTR_SIZE_MAX) {
        continue;
      }
      if (length < 0 && Native.errno() == Linux.ENODATA) {
        return null;
      }
      if (length < 0) {
        throw new NativeException(what, where.get(), Native.errno());
      }
      return Arrays.copyOf(buffer, (int) length);
    }
  }
}
