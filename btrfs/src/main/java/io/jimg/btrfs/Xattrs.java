package io.jimg.btrfs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The extended-attribute calls behind {@link Fd}'s xattr methods. A name in a directory is reached through the
 * directory's /proc link, so that the l*xattr calls, which take a path, never resolve past that very descriptor.
 */
final class Xattrs {
  private Xattrs() {}

  static List<byte[]> names(Fd fd, byte[] name) throws NativeException {
    byte[] target = target(fd, name);
    LibC libc = Native.libc();
    List<byte[]> names = names(name == null
        ? (buffer, size) -> libc.listxattr(target, buffer, size)
        : (buffer, size) -> libc.llistxattr(target, buffer, size));
    if (names == null) {
      throw new NativeException("llistxattr", shown(fd, name), Native.errno());
    }
    return names;
  }

  static List<byte[]> names(Fd fd) throws NativeException {
    LibC libc = Native.libc();
    List<byte[]> names = names((buffer, size) -> libc.flistxattr(fd.fd(), buffer, size));
    if (names == null) {
      throw new NativeException("flistxattr", fd.path(), Native.errno());
    }
    return names;
  }

  private interface ListCall {
    long list(byte[] buffer, long size);
  }

  /**
   * Asks for the size of the list first: most files have no xattrs, and that call answers for them without a
   * buffer to fill and copy back. Null where a call failed, its errno still this thread's.
   */
  private static List<byte[]> names(ListCall call) {
    while (true) {
      long size = call.list(null, 0);
      if (size == 0 || size < 0 && Native.errno() == Linux.EOPNOTSUPP) {
        return List.of();
      }
      if (size < 0) {
        return null;
      }
      byte[] buffer = new byte[(int) size];
      long length = call.list(buffer, size);
      if (length < 0 && Native.errno() == Linux.ERANGE) {
        continue; // names were added in between
      }
      if (length < 0 && Native.errno() == Linux.EOPNOTSUPP) {
        return List.of();
      }
      if (length < 0) {
        return null;
      }
      return splitNames(buffer, (int) length);
    }
  }

  private static List<byte[]> splitNames(byte[] buffer, int length) {
    if (length == 0) {
      return List.of();
    }
    List<byte[]> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (buffer[i] == 0) {
        byte[] attribute = new byte[i - start];
        System.arraycopy(buffer, start, attribute, 0, attribute.length);
        names.add(attribute);
        start = i + 1;
      }
    }
    return names;
  }

  static byte[] get(Fd fd, byte[] attribute) throws NativeException {
    byte[] attributeC = Native.cString(attribute);
    return value((buffer, size) -> Native.libc().fgetxattr(fd.fd(), attributeC, buffer, size),
        "fgetxattr " + FileNames.show(attribute), fd::path);
  }

  /** One getxattr-like call into a buffer of {@code size} bytes. */
  private interface ValueCall {
    long get(byte[] buffer, long size);
  }

  /**
   * The one loop that reads an xattr's value, whose size the caller has to guess: the buffer grows on ERANGE (a
   * large value, or one that grew in between) up to the kernel's limit. Null where there is no such xattr. A
   * failure names {@code what} and, computed only then, {@code where}.
   */
  private static byte[] value(ValueCall call, String what, Supplier<String> where) throws NativeException {
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

  static void set(Fd fd, byte[] attribute, byte[] value) throws NativeException {
    NativeException.check(Native.libc().fsetxattr(fd.fd(), Native.cString(attribute), value, value.length, 0),
        "fsetxattr " + FileNames.show(attribute), fd);
  }

  static byte[] get(Fd fd, byte[] name, byte[] attribute) throws NativeException {
    byte[] target = target(fd, name);
    byte[] attributeC = Native.cString(attribute);
    LibC libc = Native.libc();
    return value(name == null
        ? (buffer, size) -> libc.getxattr(target, attributeC, buffer, size)
        : (buffer, size) -> libc.lgetxattr(target, attributeC, buffer, size),
        "lgetxattr " + FileNames.show(attribute), () -> shown(fd, name));
  }

  static void set(Fd fd, byte[] name, byte[] attribute, byte[] value) throws NativeException {
    byte[] target = target(fd, name);
    byte[] attributeC = Native.cString(attribute);
    int result = name == null
        ? Native.libc().setxattr(target, attributeC, value, value.length, 0)
        : Native.libc().lsetxattr(target, attributeC, value, value.length, 0);
    NativeException.check(result, "lsetxattr " + FileNames.show(attribute), shown(fd, name));
  }

  static void remove(Fd fd, byte[] name, byte[] attribute) throws NativeException {
    byte[] target = target(fd, name);
    byte[] attributeC = Native.cString(attribute);
    int result = name == null
        ? Native.libc().removexattr(target, attributeC)
        : Native.libc().lremovexattr(target, attributeC);
    NativeException.check(result, "lremovexattr " + FileNames.show(attribute), shown(fd, name));
  }

  /**
   * The l*xattr calls take a path, so a name is reached through this directory's /proc link: the parent is
   * this very descriptor, and the last component is never followed. A null name means this descriptor itself,
   * whatever it is (a file, an O_PATH symlink): its /proc link, which the following *xattr calls resolve to
   * exactly the open inode and never beyond.
   */
  private static byte[] target(Fd fd, byte[] name) {
    byte[] self = fd.procSelf();
    if (name == null) {
      return Native.cString(self);
    }
    byte[] joined = new byte[self.length + 1 + name.length];
    System.arraycopy(self, 0, joined, 0, self.length);
    joined[self.length] = '/';
    System.arraycopy(name, 0, joined, self.length + 1, name.length);
    return Native.cString(joined);
  }

  private static String shown(Fd fd, byte[] name) {
    return name == null ? fd.path() : fd.pathOf(name);
  }
}
