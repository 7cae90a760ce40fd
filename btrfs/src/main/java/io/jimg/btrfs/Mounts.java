package io.jimg.btrfs;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The few mounts jimg makes: an overlay for an ephemeral root off btrfs, a bind mount to stage a root, and
 * their lazy removal. Targets are names in a directory held open, reached through its {@code /proc/self/fd}
 * link, so that a rename of a parent on the way cannot redirect the mount.
 */
public final class Mounts {
  private Mounts() {}

  /**
   * Mounts an overlay on {@code target} in {@code parent}: {@code lower} layers (first is topmost), changes go
   * to {@code upper}, and {@code work} is overlayfs's scratch directory on the same filesystem as upper. Any
   * layer may be an open directory's {@code /proc/self/fd} path, see {@link #procPath(Fd)}.
   */
  public static void overlay(Fd parent, byte[] target, List<String> lower, String upper, String work)
      throws NativeException {
    if (lower.isEmpty()) {
      throw new IllegalArgumentException("an overlay needs at least one lower layer");
    }
    StringBuilder options = new StringBuilder("lowerdir=");
    for (int i = 0; i < lower.size(); i++) {
      options.append(i == 0 ? "" : ":").append(escapeLayer(lower.get(i)));
    }
    options.append(",upperdir=").append(escapeLayer(upper)).append(",workdir=").append(escapeLayer(work));
    mount(c("overlay"), targetPath(parent, target), c("overlay"), 0, c(options.toString()), parent.pathOf(target));
  }

  /** Bind-mounts {@code source} (not its submounts) on {@code target} in {@code parent}, read-only if asked. */
  public static void bind(String source, Fd parent, byte[] target, ReadOnly readOnly) throws NativeException {
    byte[] targetPath = targetPath(parent, target);
    mount(c(source), targetPath, null, Linux.MS_BIND, null, parent.pathOf(target));
    if (readOnly.isReadOnly()) {
      // A bind mount takes MS_RDONLY only on a remount of itself.
      mount(null, targetPath, null, Linux.MS_REMOUNT | Linux.MS_BIND | Linux.MS_RDONLY, null,
          parent.pathOf(target));
    }
  }

  /**
   * Detaches the mount on {@code target} in {@code parent} and everything mounted below it (MNT_DETACH: it
   * goes away once its last user lets go). Returns false where nothing was mounted there.
   */
  public static boolean unmount(Fd parent, byte[] target) throws NativeException {
    byte[] path = targetPath(parent, target);
    if (!isMountPoint(parent, target)) {
      return false;
    }
    int result = Native.libc().umount2(path, Linux.MNT_DETACH);
    if (result < 0 && (Native.errno() == Linux.EINVAL || Native.errno() == Linux.ENOENT)) {
      return false; // someone else unmounted it between the check and now
    }
    NativeException.check(result, "umount2", parent.pathOf(target));
    return true;
  }

  /** Whether {@code name} in {@code parent} is the root of a mount other than the one {@code parent} is on. */
  public static boolean isMountPoint(Fd parent, byte[] name) throws NativeException {
    Stat child = parent.statIfExists(name);
    if (child == null) {
      return false;
    }
    Stat self = parent.stat();
    if (child.mountId() >= 0 && self.mountId() >= 0) {
      return child.mountId() != self.mountId();
    }
    return child.device() != self.device(); // kernels before 5.8 report no mount id
  }

  /** A path that reaches an open directory through the kernel's fd table, for mount options. */
  public static String procPath(Fd directory) {
    return "/proc/self/fd/" + directory.fd();
  }

  /** overlayfs splits options on ',' and layers on ':', and takes '\' as their escape. */
  static String escapeLayer(String path) {
    StringBuilder escaped = new StringBuilder(path.length() + 8);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == ',' || c == ':' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /** The NUL-terminated path of a single name in an open directory, byte for byte. */
  private static byte[] targetPath(Fd parent, byte[] target) {
    if (target.length == 0 || FileNames.isDotOrDotDot(target) || contains(target, (byte) '/')) {
      throw new IllegalArgumentException("not a single name: " + FileNames.show(target));
    }
    byte[] prefix = (procPath(parent) + "/").getBytes(StandardCharsets.US_ASCII);
    byte[] path = new byte[prefix.length + target.length];
    System.arraycopy(prefix, 0, path, 0, prefix.length);
    System.arraycopy(target, 0, path, prefix.length, target.length);
    return Native.cString(path);
  }

  private static boolean contains(byte[] bytes, byte b) {
    for (byte each : bytes) {
      if (each == b) {
        return true;
      }
    }
    return false;
  }

  private static void mount(byte[] source, byte[] target, byte[] type, long flags, byte[] data, String shown)
      throws NativeException {
    int result = Native.libc().mount(source, target, type, flags, data);
    NativeException.check(result, type == null ? "mount" : "mount -t " + new String(type, 0, type.length - 1,
        StandardCharsets.US_ASCII), shown);
  }

  private static byte[] c(String s) {
    return Native.cString(s.getBytes(StandardCharsets.UTF_8));
  }
}
