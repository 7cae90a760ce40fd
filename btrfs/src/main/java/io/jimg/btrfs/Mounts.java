package io.jimg.btrfs;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The few mounts jimg makes: an overlay for an ephemeral root off btrfs, bind mounts to stage a root, and their
 * lazy removal. Every target is a descriptor that is the target itself, opened without following a symlink in
 * its last component: the calls reach it by an empty path (the mount API's *_EMPTY_PATH) or by its own
 * {@code /proc/self/fd} link, never by a name the kernel would look up again, so that neither a symlink an image
 * holds nor a rename on the way can send a mount anywhere else.
 */
public final class Mounts {
  private Mounts() {}

  private static final long SYS_OPEN_TREE = 428;
  private static final long SYS_MOVE_MOUNT = 429;
  private static final long SYS_MOUNT_SETATTR = 442;
  private static final byte[] EMPTY = {0};

  /**
   * Mounts an overlay on the directory {@code target}: {@code lower} layers (first is topmost), changes go to
   * {@code upper}, and {@code work} is overlayfs's scratch directory on the same filesystem as upper. Layers are
   * open directories too, named to overlayfs by their {@code /proc/self/fd} links.
   */
  public static void overlay(Fd target, List<Fd> lower, Fd upper, Fd work) throws NativeException {
    if (lower.isEmpty()) {
      throw new IllegalArgumentException("an overlay needs at least one lower layer");
    }
    requireTarget(target, true);
    StringBuilder options = new StringBuilder("lowerdir=");
    for (int i = 0; i < lower.size(); i++) {
      options.append(i == 0 ? "" : ":").append(procPath(lower.get(i)));
    }
    options.append(",upperdir=").append(procPath(upper)).append(",workdir=").append(procPath(work));
    int result = Native.libc().mount(c("overlay"), c(procPath(target)), c("overlay"), 0, c(options.toString()));
    NativeException.check(result, "mount -t overlay", target);
  }

  /**
   * Bind-mounts {@code source} (not its submounts) on {@code target}, read-only if asked, and returns the new
   * mount, which the caller closes. The mount is private whatever its parent's propagation: mounts made below it
   * reach no other namespace, and none reach it. A target that is a symlink, or whose type is not the source's
   * (a directory on a directory, anything else on a non-directory), is refused with ELOOP, ENOTDIR or EISDIR.
   */
  public static Fd bind(Fd source, Fd target, ReadOnly readOnly) throws NativeException {
    requireTarget(target, source.stat().isDirectory());
    long tree = Native.libc().syscall(SYS_OPEN_TREE, source.fd(), EMPTY,
        Linux.OPEN_TREE_CLONE | Linux.O_CLOEXEC | Linux.AT_EMPTY_PATH);
    NativeException.check(tree, "open_tree", source);
    Fd mount = Fd.adopt((int) tree, target.path(), Linux.O_PATH);
    try {
      setAttributes(mount, readOnly.isReadOnly() ? Linux.MOUNT_ATTR_RDONLY : 0);
      NativeException.check(Native.libc().syscall(SYS_MOVE_MOUNT, mount.fd(), EMPTY, target.fd(), EMPTY,
          Linux.MOVE_MOUNT_F_EMPTY_PATH | Linux.MOVE_MOUNT_T_EMPTY_PATH), "move_mount", target);
      // Attached below a shared mount, the new one has joined a peer group: take it out again.
      setAttributes(mount, 0);
      return mount;
    } catch (NativeException | RuntimeException e) {
      mount.close(); // a tree never attached goes with its last descriptor
      throw e;
    }
  }

  /** Makes {@code mount} private and sets {@code attributes} (MOUNT_ATTR_*) on it alone. */
  private static void setAttributes(Fd mount, long attributes) throws NativeException {
    byte[] attr = new byte[Layouts.MountAttr.SIZE];
    Layouts.le(attr).putLong(Layouts.MountAttr.ATTR_SET, attributes)
        .putLong(Layouts.MountAttr.PROPAGATION, Linux.MS_PRIVATE);
    NativeException.check(Native.libc().syscall(SYS_MOUNT_SETATTR, mount.fd(), EMPTY, Linux.AT_EMPTY_PATH, attr,
        attr.length), "mount_setattr", mount);
  }

  private static void requireTarget(Fd target, boolean directory) throws NativeException {
    Stat stat = target.stat();
    if (stat.isSymlink()) {
      throw new NativeException("mount", target.path(), Linux.ELOOP);
    }
    if (stat.isDirectory() != directory) {
      throw new NativeException("mount", target.path(), directory ? Linux.ENOTDIR : Linux.EISDIR);
    }
  }

  /**
   * Detaches the mount on {@code name} in {@code parent} (never through a symlink) and everything mounted below
   * it (MNT_DETACH: it goes away once its last user lets go). Returns false where nothing was mounted there.
   */
  public static boolean unmount(Fd parent, byte[] name) throws NativeException {
    if (FileNames.isDotOrDotDot(name) || contains(name, (byte) '/')) {
      throw new IllegalArgumentException("not a single name: " + FileNames.show(name));
    }
    Fd target;
    try {
      target = parent.openPath(name);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return false;
      }
      throw e;
    }
    try (target) {
      return isMountRoot(parent, target) && detach(target);
    }
  }

  /**
   * Detaches {@code mount}, a descriptor of a mount's root, and everything below it. Returns false where it is no
   * longer mounted in this namespace (someone else detached it first).
   */
  public static boolean detach(Fd mount) throws NativeException {
    int result = Native.libc().umount2(c(procPath(mount)), Linux.MNT_DETACH);
    if (result < 0 && Native.errno() == Linux.EINVAL) {
      return false;
    }
    NativeException.check(result, "umount2", mount);
    return true;
  }

  /** Whether {@code name} in {@code parent} is the root of a mount other than the one {@code parent} is on. */
  public static boolean isMountPoint(Fd parent, byte[] name) throws NativeException {
    Stat child = parent.statIfExists(name);
    return child != null && isMountRoot(parent.stat(), child);
  }

  private static boolean isMountRoot(Fd parent, Fd child) throws NativeException {
    return isMountRoot(parent.stat(), child.stat());
  }

  private static boolean isMountRoot(Stat parent, Stat child) {
    if (child.mountId() >= 0 && parent.mountId() >= 0) {
      return child.mountId() != parent.mountId();
    }
    return child.device() != parent.device(); // kernels before 5.8 report no mount id
  }

  /** A path that reaches an open file through the kernel's fd table, exactly that file. */
  private static String procPath(Fd fd) {
    return "/proc/self/fd/" + fd.fd();
  }

  private static boolean contains(byte[] bytes, byte b) {
    for (byte each : bytes) {
      if (each == b) {
        return true;
      }
    }
    return false;
  }

  private static byte[] c(String s) {
    return Native.cString(s.getBytes(StandardCharsets.UTF_8));
  }
}
