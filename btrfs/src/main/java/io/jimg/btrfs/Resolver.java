package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.O_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_PATH;
import static io.jimg.btrfs.Linux.RESOLVE_BENEATH;
import static io.jimg.btrfs.Linux.RESOLVE_IN_ROOT;
import static io.jimg.btrfs.Linux.RESOLVE_NO_SYMLINKS;
import static io.jimg.btrfs.Linux.RESOLVE_NO_XDEV;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Multi-component path resolution confined to a directory: openat2 where the kernel has it, and otherwise a
 * walk that opens one component at a time with O_NOFOLLOW and interprets symlinks and {@code ..} itself, so
 * that a hostile image cannot lead it outside. {@link #forceWalk} makes tests cover the walk on any kernel.
 */
final class Resolver {
  private Resolver() {}

  private static final long SYS_OPENAT2 = 437;
  private static final int MAX_SYMLINKS = 40;
  private static final int OPENAT2_RETRIES = 32;

  private static volatile boolean openat2Missing;
  private static volatile boolean forceWalk = Boolean.getBoolean("jimg.resolve.walk");

  /** Makes every resolution take the component walk, as on a kernel without openat2. */
  static void forceWalk(boolean force) {
    forceWalk = force;
  }

  static Fd resolve(Fd root, byte[] path, int flags, int mode, long resolve) throws NativeException {
    if (!forceWalk && !openat2Missing) {
      byte[] how = new byte[Layouts.OpenHow.SIZE];
      ByteBuffer b = Layouts.le(how);
      b.putLong(Layouts.OpenHow.FLAGS, Integer.toUnsignedLong(flags));
      // openat2 refuses a mode without O_CREAT or O_TMPFILE; O_TMPFILE includes O_DIRECTORY's bit, so test it whole.
      boolean creates = (flags & Linux.O_CREAT) != 0 || (flags & Linux.O_TMPFILE) == Linux.O_TMPFILE;
      b.putLong(Layouts.OpenHow.MODE, creates ? mode : 0);
      b.putLong(Layouts.OpenHow.RESOLVE, resolve);
      byte[] cPath = Native.cString(path);
      for (int attempt = 0; ; attempt++) {
        long result = Native.libc().syscall(SYS_OPENAT2, root.fd(), cPath, how, how.length);
        if (result >= 0) {
          return Fd.adopt((int) result, FileNames.child(root.path(), path), flags);
        }
        int errno = Native.errno();
        if (errno == Linux.EAGAIN && attempt < OPENAT2_RETRIES) {
          continue; // a rename raced the lookup; the kernel asks us to try again
        }
        if (errno == Linux.ENOSYS) {
          openat2Missing = true;
          break;
        }
        throw new NativeException("openat2", FileNames.child(root.path(), path), errno);
      }
    }
    return walk(root, path, flags, mode, resolve);
  }

  private static Fd walk(Fd root, byte[] path, int flags, int mode, long resolve) throws NativeException {
    String shown = FileNames.child(root.path(), path);
    try {
      return walk(root, path, flags, mode, resolve, shown);
    } catch (NativeException e) {
      // Report the path asked for, as openat2 does, not the component the walk had reached.
      throw e.call().equals(WALK) ? e : new NativeException(WALK, shown, e.errno());
    }
  }

  private static final String WALK = "openat2 (walk)";

  private static Fd walk(Fd root, byte[] path, int flags, int mode, long resolve, String shown)
      throws NativeException {
    Deque<byte[]> pending = new ArrayDeque<>();
    boolean absolute = path.length > 0 && path[0] == '/';
    if (absolute && (resolve & RESOLVE_IN_ROOT) == 0) {
      throw new NativeException(WALK, shown, Linux.EXDEV);
    }
    pushComponents(pending, path);
    long rootMount = (resolve & RESOLVE_NO_XDEV) != 0 ? root.stat().mountId() : -1;
    // The directories walked so far; the bottom one is the root, which this walk does not own.
    Deque<Fd> stack = new ArrayDeque<>();
    stack.push(root);
    int symlinks = 0;
    try {
      while (!pending.isEmpty()) {
        byte[] component = pending.pop();
        boolean last = pending.isEmpty();
        if (component.length == 2 && component[0] == '.' && component[1] == '.') {
          if (stack.size() == 1) {
            if ((resolve & RESOLVE_IN_ROOT) == 0) {
              throw new NativeException(WALK, shown, Linux.EXDEV);
            }
            // In-root resolution clamps ".." at the root, like the kernel does.
          } else {
            stack.pop().close();
          }
          if (last) {
            return reopen(stack.peek(), flags, shown);
          }
          continue;
        }
        Fd current = stack.peek();
        Stat stat = current.statIfExists(component);
        if (stat != null && stat.isSymlink() && (!last || (flags & O_NOFOLLOW) == 0)) {
          if ((resolve & RESOLVE_NO_SYMLINKS) != 0 || (resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) == 0) {
            throw new NativeException(WALK, shown, Linux.ELOOP);
          }
          if (++symlinks > MAX_SYMLINKS) {
            throw new NativeException(WALK, shown, Linux.ELOOP);
          }
          byte[] target = current.readlink(component);
          if (target.length > 0 && target[0] == '/') {
            if ((resolve & RESOLVE_IN_ROOT) == 0) {
              throw new NativeException(WALK, shown, Linux.EXDEV);
            }
            while (stack.size() > 1) {
              stack.pop().close();
            }
          }
          List<byte[]> parts = components(target);
          for (int i = parts.size() - 1; i >= 0; i--) {
            pending.push(parts.get(i));
          }
          if (parts.isEmpty() && last) {
            return reopen(stack.peek(), flags, shown);
          }
          continue;
        }
        if (last) {
          Fd opened = current.open(component, flags | O_NOFOLLOW, mode);
          checkMount(opened, rootMount, shown);
          return opened;
        }
        Fd next = current.open(component, O_PATH | Linux.O_DIRECTORY | O_NOFOLLOW, 0);
        stack.push(next);
        checkMount(next, rootMount, shown);
      }
      return reopen(stack.peek(), flags, shown);
    } finally {
      while (stack.size() > 1) {
        stack.pop().close();
      }
    }
  }

  private static void checkMount(Fd opened, long rootMount, String shown) throws NativeException {
    if (rootMount >= 0 && opened.stat().mountId() != rootMount) {
      opened.close();
      throw new NativeException(WALK, shown, Linux.EXDEV);
    }
  }

  /** Opens a directory already walked to, with the flags asked for. */
  private static Fd reopen(Fd directory, int flags, String shown) throws NativeException {
    // The descriptor moves to a wrapper that names the whole path in messages.
    return Fd.adopt(directory.open(new byte[] {'.'}, flags, 0).fd(), shown, flags);
  }

  private static void pushComponents(Deque<byte[]> pending, byte[] path) {
    List<byte[]> parts = components(path);
    for (int i = parts.size() - 1; i >= 0; i--) {
      pending.push(parts.get(i));
    }
  }

  private static List<byte[]> components(byte[] path) {
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (i > start && !(i - start == 1 && path[start] == '.')) {
          byte[] part = new byte[i - start];
          System.arraycopy(path, start, part, 0, part.length);
          parts.add(part);
        }
        start = i + 1;
      }
    }
    return parts;
  }
}
