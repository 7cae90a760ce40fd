package io.jimg.runtime;

import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A root ready to boot or run: the image itself under a lease, or an ephemeral copy of it that disappears on
 * {@link #close()}. While it is open the image cannot be removed or replaced (the lease holds the locks
 * systemd-nspawn takes), and an ephemeral root lives under a hidden, locked {@code .#jimg-…} name in the pool
 * that the next jimg command sweeps should this process die without closing it.
 */
public final class PreparedRoot implements AutoCloseable {
  /** How the root was made. */
  public enum Method {
    /** The image itself, no copy. */
    IMAGE,
    /** A btrfs snapshot of a subvolume image. */
    SNAPSHOT,
    /** An overlayfs mount with the image as its lower layer. */
    OVERLAY,
    /** A faithful (reflinked where the filesystem can) copy. */
    COPY
  }

  private final Path path;
  private final ImageLease lease;
  private final Method method;
  private final AutoCloseable removal;
  /** The open roots of the owner that closes this one at shutdown; null for a root with nothing to remove. */
  private final OpenRoots owner;
  /** The pool the root came from, where the chroot engine stages; null for roots tests make by hand. */
  private final Pool pool;
  private boolean closed;

  PreparedRoot(Path path, ImageLease lease, Method method, AutoCloseable removal) {
    this(path, lease, method, removal, null, null);
  }

  PreparedRoot(Path path, ImageLease lease, Method method, AutoCloseable removal, OpenRoots owner, Pool pool) {
    this.path = path;
    this.lease = lease;
    this.method = method;
    this.removal = removal;
    this.owner = owner;
    this.pool = pool;
  }

  /** The root directory to run (or the raw image file). */
  public Path path() {
    return path;
  }

  /** The image this root came from. */
  public Image image() {
    return lease.image();
  }

  /** The lease that keeps the image in place while this root is open. */
  public ImageLease lease() {
    return lease;
  }

  /** The pool the root came from; null for roots tests make by hand. */
  Pool pool() {
    return pool;
  }

  public boolean isEphemeral() {
    return method != Method.IMAGE;
  }

  public Method method() {
    return method;
  }

  /**
   * Runs {@code command} in this root as {@link #exec(Exec)} does: the host's default engine, a timeout of
   * {@link Exec#DEFAULT_TIMEOUT}, output captured.
   */
  public ExecResult exec(String... command) throws IOException, InterruptedException {
    return exec(Exec.of(command));
  }

  /**
   * Runs a command in this root and waits for it, with standard input at end of file and standard output and
   * error captured, not printed: systemd-nspawn where the host runs systemd with machined, else the chroot
   * engine (see {@link Exec}, which also sets the environment, the timeout and the engine). A command still
   * running at its timeout is killed with everything it started, and the result says so.
   */
  public ExecResult exec(Exec exec) throws IOException, InterruptedException {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("cannot run a command in " + path + ": the root is closed");
      }
    }
    return CapturedRun.run(exec.engine(pool), this, exec);
  }

  /** Removes an ephemeral root (unmounting it first), then releases the image. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (owner != null) {
      owner.forget(this);
    }
    try {
      if (removal != null) {
        removal.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot remove ephemeral root " + path + ": " + e.getMessage(), e);
    } finally {
      lease.close();
    }
  }

  @Override
  public String toString() {
    return "PreparedRoot(" + image().name() + ", " + method + ", " + path + ")";
  }
}
