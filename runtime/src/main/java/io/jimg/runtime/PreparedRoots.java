package io.jimg.runtime;

import io.jimg.images.Access;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.runtime.PreparedRoot.Method;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Hands out {@link PreparedRoot}s of a store's images: the image itself, an ephemeral root of it, or a named
 * image made from a template on first use, as systemd-nspawn's {@code --template} does.
 *
 * <pre>{@code
 * PreparedRoots roots = PreparedRoots.builder(store).build();
 * try (PreparedRoot root = roots.ephemeral("debian")) {
 *   new Launcher(LaunchEngine.nspawn()).run(root, LaunchSpec.command("/bin/true"));
 * }
 * }</pre>
 */
public final class PreparedRoots {
  private final Pool pool;
  private final EphemeralMaker maker;
  /** The ephemeral roots made here and still open, removed at shutdown should their callers not close them. */
  private final OpenRoots open = new OpenRoots();

  private PreparedRoots(Pool pool, Set<Method> methods) {
    this.pool = pool;
    this.maker = new EphemeralMaker(methods);
  }

  /** The ephemeral roots this owner has open; tests look at its shutdown hook. */
  OpenRoots openRoots() {
    return open;
  }

  public static Builder builder(ImageStore store) {
    return new Builder(Pool.of(Objects.requireNonNull(store, "store")));
  }

  static Builder builder(Pool pool) {
    return new Builder(pool);
  }

  public static final class Builder {
    private final Pool pool;
    private Set<Method> methods = EnumSet.of(Method.SNAPSHOT, Method.OVERLAY, Method.COPY);

    private Builder(Pool pool) {
      this.pool = pool;
    }

    /**
     * Limits how ephemeral roots may be made (all three by default, tried in the order snapshot, overlay,
     * copy); for benchmarks and for hosts where overlayfs is unwelcome.
     */
    public Builder ephemeralMethods(Method first, Method... more) {
      Set<Method> chosen = EnumSet.of(first, more);
      if (chosen.contains(Method.IMAGE)) {
        throw new IllegalArgumentException("IMAGE is not a way to make an ephemeral root");
      }
      this.methods = chosen;
      return this;
    }

    public PreparedRoots build() {
      return new PreparedRoots(pool, methods);
    }
  }

  /** The image itself, leased for reading (shared) or for writing (exclusive: it may be changed). */
  public PreparedRoot image(String name, Access access) throws IOException {
    ImageLease lease = pool.lease(name, access);
    return new PreparedRoot(lease.path(), lease, Method.IMAGE, null, null, pool);
  }

  /**
   * A fresh writable root that starts as a copy of the image and is removed on close, on SIGINT, SIGTERM or
   * SIGHUP, or by the next jimg command after a SIGKILL. The image is leased shared meanwhile.
   */
  public PreparedRoot ephemeral(String name) throws IOException {
    ImageLease lease = pool.lease(name, Access.READ);
    PreparedRoot root;
    try {
      EphemeralMaker.Made made = maker.make(lease, pool);
      root = new PreparedRoot(made.path(), lease, made.method(), made.removal(), open, pool);
    } catch (IOException | RuntimeException e) {
      lease.close();
      throw e;
    }
    try {
      open.remember(root);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
    return root;
  }

  /**
   * The image {@code name}, first made as a clone of {@code template} where it does not exist yet; it is kept
   * on close. A concurrent maker of the same name wins quietly: both then use its image.
   */
  public PreparedRoot fromTemplate(String name, String template, Access access) throws IOException {
    if (!exists(name)) {
      try {
        pool.clone(template, name, false);
      } catch (JimgException e) {
        if (e.reason() != JimgException.Reason.EXISTS) {
          throw e;
        }
      }
    }
    return image(name, access);
  }

  /**
   * The root {@code jimg run} and {@code systemd-nspawn} ask for: an ephemeral root ({@code -x}), the image made
   * from a template on first use ({@code --template}), or the image itself, leased shared where the run is
   * read-only and exclusive otherwise.
   */
  public PreparedRoot forRun(String name, boolean ephemeral, String template, boolean readOnly) throws IOException {
    if (ephemeral && template != null) {
      throw new JimgException(JimgException.Reason.USAGE,
          "--ephemeral and --template cannot be combined: an ephemeral root is never kept");
    }
    Access access = readOnly ? Access.READ : Access.WRITE;
    if (ephemeral) {
      return ephemeral(name);
    }
    return template != null ? fromTemplate(name, template, access) : image(name, access);
  }

  private boolean exists(String name) throws IOException {
    try {
      pool.show(name);
      return true;
    } catch (JimgException e) {
      if (e.reason() == JimgException.Reason.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
