package io.jimg.library;

import io.jimg.images.ImageStore;
import io.jimg.images.StoreListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The composition root: the one place the store, the importer, exporter and puller and the runtime are built, with
 * their defaults and policy, for every front end (the jimg command, a service). Each default is the builder's and is
 * documented on its setter. Limits that belong to one call travel with it: a pull's size and cache limits are
 * {@code PullOptions}' (64 GiB and 8 GiB unless the caller sets them), an import's is {@link ImportRequest}' (none but
 * the pool's 5% of free space).
 *
 * <pre>{@code
 * Jimg jimg = Jimg.builder().imageRoot(Path.of("/srv/machines")).listener(listener).build();
 * Image image = jimg.transfers().importTar(Path.of("debian.tar.xz"), "debian", ImportRequest.DEFAULTS).await();
 * }</pre>
 *
 * <p>Safe for concurrent use from many threads: the store is built once, with the root, and is itself safe for
 * concurrent use; the transfers' registry is a concurrent map; the runtime's parts are made once under a lock (see
 * {@link Roots}). The library never prints and never reads the process's environment: events go to the listener,
 * proxies and the places of registry credentials ({@code REGISTRY_AUTH_FILE}, {@code HOME}, …) come from
 * {@link Builder#environment}.
 */
public final class Jimg {
  /** Where pulls keep their per-URL lock files: outside any pool, never unlinked, shared by every jimg process. */
  public static final Path PULL_LOCK_DIRECTORY = Path.of("/run/jimg/locks");
  /** The file system root under which the pull's keyrings are found (/etc/jimg/trusted.gpg.d, systemd's). */
  public static final Path KEYRING_ROOT = Path.of("/");

  /** The file system root under which OCI pulls read etc/containers/registries.conf and its drop-ins. */
  public static final Path CONTAINERS_CONFIG_ROOT = Path.of("/");

  /** What the transfers take from the builder. */
  record Policy(Map<String, String> environment, Path pullLockDirectory, Path keyringRoot, Path containersConfigRoot,
      Clock clock) {}

  private final ImageStore store;
  private final Roots roots;
  private final Transfers transfers;

  private Jimg(Builder builder) {
    Registry registry = new Registry(JimgListener.of(builder.listener));
    this.store = ImageStore.builder().imageRoot(builder.imageRoot).lockDirectory(builder.imageLockDirectory)
        .listener(registry.storeListener()).clock(builder.clock).build();
    this.roots = new Roots(store, builder.clock);
    this.transfers = new Transfers(store, roots, new Policy(builder.environment, builder.pullLockDirectory,
        builder.keyringRoot, builder.containersConfigRoot, builder.clock), registry);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The image store: list, show, rename, remove, limits, clean, and the rest of {@link ImageStore}. */
  public ImageStore images() {
    return store;
  }

  /** Imports, exports, pulls, provisioning and clones as {@link Transfer}s, and the registry of those running. */
  public Transfers transfers() {
    return transfers;
  }

  /** Prepared roots, launch engines and the provisioner. */
  public Roots roots() {
    return roots;
  }

  /** Not safe for concurrent use; {@link #build()} copies what it holds. */
  public static final class Builder {
    private Path imageRoot;
    private Path imageLockDirectory = ImageStore.LOCK_DIRECTORY;
    private StoreListener listener = StoreListener.NONE;
    private Map<String, String> environment = Map.of();
    private Path pullLockDirectory = PULL_LOCK_DIRECTORY;
    private Path keyringRoot = KEYRING_ROOT;
    private Path containersConfigRoot = CONTAINERS_CONFIG_ROOT;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The one directory to find images in and make them in; null (the default) is systemd's search path. */
    public Builder imageRoot(Path directory) {
      this.imageRoot = directory;
      return this;
    }

    /** nspawn's and machinectl's lock directory, {@link ImageStore#LOCK_DIRECTORY} by default; for tests. */
    public Builder imageLockDirectory(Path directory) {
      this.imageLockDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Hears the store's events and the transfers' events and progress, the latter with their ids where it is a
     * {@link JimgListener}. None by default.
     */
    public Builder listener(StoreListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The environment variables a pull reads its proxies from ({@code https_proxy}, {@code no_proxy}, … in either
     * case), and an OCI pull the places of podman's and docker's credentials ({@code REGISTRY_AUTH_FILE},
     * {@code XDG_RUNTIME_DIR}, {@code XDG_CONFIG_HOME}, {@code DOCKER_CONFIG}, {@code HOME}); empty by default, so
     * that a pull goes direct and finds no credentials unless the caller passes its own.
     */
    public Builder environment(Map<String, String> variables) {
      this.environment = Map.copyOf(variables);
      return this;
    }

    /** Where pulls lock their URLs, {@link #PULL_LOCK_DIRECTORY} by default. */
    public Builder pullLockDirectory(Path directory) {
      this.pullLockDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The root under which keyrings are found, {@link #KEYRING_ROOT} by default; tests give a directory of theirs. */
    public Builder keyringRoot(Path directory) {
      this.keyringRoot = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * The root under which OCI pulls read {@code etc/containers/registries.conf} and
     * {@code etc/containers/registries.conf.d/*.conf} (short names, mirrors, insecure registries),
     * {@link #CONTAINERS_CONFIG_ROOT} by default; tests give a directory of theirs.
     */
    public Builder containersConfigRoot(Path directory) {
      this.containersConfigRoot = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The clock of the store's usage cache, the pull cache and provisioning; the system's UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Jimg build() {
      return new Jimg(this);
    }
  }
}
