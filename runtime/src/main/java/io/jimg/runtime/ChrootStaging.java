package io.jimg.runtime;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.Mounts;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.Stat;
import io.jimg.images.JimgException;
import io.jimg.images.Scratch;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The root the chroot engine runs where the spec asks for binds or a read-only root: a private bind of the root
 * on a hidden scratch name in the pool, the spec's binds below it. A JVM cannot enter a new mount namespace, so
 * the tree is built in the host's, where the container's namespace copies it as {@code unshare} creates it; the
 * host's is detached as soon as the container holds its own copy, so that while the payload runs the mounts
 * exist only in the container and die with it. Should jimg be killed first, the sweeper of the scratch name
 * detaches them.
 *
 * <p>Every mount point is resolved from the root's bind as the container will see it, symlinks above it staying
 * inside the root, and the mount point itself is opened without following a symlink: one there is refused, not
 * followed, as a symlink to a host directory would otherwise have the bind cover that directory (systemd-nspawn
 * follows it inside the root instead).
 */
final class ChrootStaging implements Launch.Staging {
  private static final long RESOLVE = Linux.RESOLVE_IN_ROOT | Linux.RESOLVE_NO_MAGICLINKS;

  private final Scratch scratch;
  private final Fd top;
  private boolean detached;

  private ChrootStaging(Scratch scratch, Fd top) {
    this.scratch = scratch;
    this.top = top;
  }

  static ChrootStaging stage(Pool pool, PreparedRoot root, LaunchSpec spec) throws IOException {
    Scratch scratch = pool.scratch();
    Fd top = null;
    try {
      Descriptors.pool(scratch).mkdir(scratch.name(), 0700);
      try (Fd image = Fd.openDirectory(root.path());
          Fd mountPoint = Descriptors.pool(scratch).open(scratch.name(), Linux.O_PATH | Linux.O_DIRECTORY)) {
        top = Mounts.bind(image, mountPoint, ReadOnly.of(spec.readOnly()));
      }
      for (LaunchSpec.Bind bind : spec.binds()) {
        bindInto(top, bind, root, spec.readOnly());
      }
      return new ChrootStaging(scratch, top);
    } catch (IOException | RuntimeException e) {
      if (top != null) {
        top.close();
      }
      scratch.close(); // detaches what is mounted there
      throw e;
    }
  }

  /** The staged root's path in the host, which the container's namespace keeps after the host's is detached. */
  Path path() {
    return scratch.path();
  }

  /** Detaches the host's staging once the container's namespace holds its own copy of it. */
  @Override
  public void started(Process process) throws IOException, InterruptedException {
    awaitContainerProc(process);
    detach();
  }

  @Override
  public void close() {
    try {
      detach();
    } catch (NativeException e) {
      // closing the scratch name below detaches it again, or leaves it to the sweeper with a warning
    } finally {
      top.close();
      scratch.close();
    }
  }

  private void detach() throws NativeException {
    if (!detached) {
      detached = true;
      Mounts.detach(top);
    }
  }

  /**
   * Waits until the container's /proc is mounted at the staged root's proc, seen through the engine process's
   * root: util-linux's {@code unshare} mounts it only after it has made every mount in the new namespace
   * private. Detaching the host's staging earlier could take the container's copy with it, through the
   * propagation that still joins the two namespaces' copies of the pool's mount. There is no event to wait on; the
   * poll costs a few system calls a turn, for the milliseconds {@code unshare} takes. A process that ends first
   * leaves nothing to wait for.
   */
  private void awaitContainerProc(Process process) throws InterruptedException {
    byte[] proc = FileNames.bytes(path().toString() + "/proc");
    Path processRoot = Path.of("/proc/" + process.pid() + "/root");
    long pause = 20_000;
    while (process.isAlive() && !isProcfs(processRoot, proc)) {
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, 1_000_000);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private static boolean isProcfs(Path processRoot, byte[] path) {
    try (Fd root = Fd.open(processRoot, Linux.O_PATH | Linux.O_DIRECTORY);
        Fd proc = root.resolve(path, Linux.O_PATH | Linux.O_DIRECTORY | Linux.O_NOFOLLOW, 0, RESOLVE)) {
      return proc.filesystemType() == Linux.PROC_SUPER_MAGIC;
    } catch (NativeException e) {
      return false; // the process is gone, or has not yet unshared: the caller looks again
    }
  }

  private static void bindInto(Fd top, LaunchSpec.Bind bind, PreparedRoot root, boolean readOnly)
      throws IOException {
    try (Fd source = Fd.open(bind.source(), Linux.O_PATH)) {
      boolean directory = source.stat().isDirectory();
      try (Fd target = mountPoint(top, bind, directory, root, readOnly)) {
        Mounts.bind(source, target, ReadOnly.NO).close();
      }
    } catch (NativeException e) {
      throw new JimgException(JimgException.Reason.FAILED, "cannot bind " + bind.source() + " to "
          + bind.destination() + " in image " + root.image().name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the mount point of {@code bind} in the staged root, making what is missing as systemd-nspawn does (a
   * directory, or an empty file for a file's bind); a read-only root must have it already.
   */
  private static Fd mountPoint(Fd top, LaunchSpec.Bind bind, boolean directory, PreparedRoot root, boolean readOnly)
      throws IOException {
    List<String> components = new ArrayList<>();
    for (String component : bind.destination().split("/")) {
      if (!component.isEmpty()) {
        components.add(component);
      }
    }
    String parentPath = ".";
    for (int i = 0; i < components.size(); i++) {
      boolean last = i == components.size() - 1;
      byte[] name = FileNames.bytes(components.get(i));
      try (Fd parent = top.resolve(FileNames.bytes(parentPath), Linux.O_PATH | Linux.O_DIRECTORY, 0, RESOLVE)) {
        if (parent.statIfExists(name) == null) {
          if (readOnly) {
            throw new JimgException(JimgException.Reason.USAGE, "bind destination " + bind.destination()
                + " does not exist in read-only image " + root.image().name() + ": create it in the image first");
          }
          if (last && !directory) {
            parent.open(name, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, 0644).close();
          } else {
            parent.mkdir(name, 0755);
          }
        }
        if (last) {
          Fd target = parent.openPath(name);
          try {
            refuseMismatch(target.stat(), bind, directory, root);
            return target;
          } catch (IOException | RuntimeException e) {
            target.close();
            throw e;
          }
        }
      }
      parentPath = parentPath + "/" + components.get(i);
    }
    throw new IllegalArgumentException("bind destination names no directory below /: " + bind.destination());
  }

  private static void refuseMismatch(Stat target, LaunchSpec.Bind bind, boolean directory, PreparedRoot root)
      throws JimgException {
    String where = "cannot bind " + bind.source() + " to " + bind.destination() + " in image " + root.image().name()
        + ": ";
    if (target.isSymlink()) {
      throw new JimgException(JimgException.Reason.FAILED, where + bind.destination()
          + " is a symlink in the image, and the chroot engine mounts over no symlink");
    }
    if (target.isDirectory() != directory) {
      throw new JimgException(JimgException.Reason.FAILED, where + (directory
          ? "a directory cannot cover the file " + bind.destination()
          : "a file cannot cover the directory " + bind.destination()));
    }
  }
}
