package io.jimg.images;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeBindings;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.UnsafeDirectory;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The image store over systemd's machine directories. Every operation is crash-safe: it creates under a
 * hidden locked temporary and publishes with renameat2, removes by renaming to trash first, and sweeps what
 * a killed process left on the next call.
 *
 * <p><b>Thread safety.</b> One store may be used by any number of threads at once, as by any number of processes:
 * it keeps no state between calls but a usage cache of its own (itself safe), and every call works through its
 * own descriptors and its own OFD-locked claim on the pool. Calls that race for one image or one name behave as
 * separate processes would: each takes the image's locks without waiting, re-checks after locking that the name
 * still holds the image it found, and the loser fails with {@link JimgException.Reason#BUSY} (a lock is held),
 * {@link JimgException.Reason#EXISTS} (the name was taken) or {@link JimgException.Reason#NOT_FOUND} (the image
 * went); no other failure comes of the race, and what the winner publishes is whole. A sweep started by one
 * thread never touches another thread's live work: OFD locks belong to an open file description, not to the
 * process, so the sweep's own open of a live operation's lock file is refused as another process's would be.
 * What a call hands out ({@link Batch}, {@link Scratch}, {@link ImageLease}) belongs to its caller: one thread at
 * a time.
 */
public final class ImageStore {
  static {
    Descriptors.register(new HandleDescriptors());
  }

  /** systemd's search path, first name wins. */
  public static final List<Path> SYSTEMD_SEARCH_PATH = List.of(
      Path.of("/etc/machines"), Path.of("/run/machines"), Path.of("/var/lib/machines"),
      Path.of("/var/lib/container"), Path.of("/usr/local/lib/machines"), Path.of("/usr/lib/machines"));

  /** Where new images land unless an image root is given. */
  public static final Path DEFAULT_POOL = Path.of("/var/lib/machines");
  /** Images below this are vendor images: never removed, renamed, limited or made writable. */
  public static final Path VENDOR_ROOT = Path.of("/usr");
  /** Where systemd-nspawn looks for {@code NAME.nspawn} settings first. */
  public static final Path SETTINGS_DIRECTORY = Path.of("/etc/systemd/nspawn");
  /** Where systemd-nspawn and machinectl keep their lock files. */
  public static final Path LOCK_DIRECTORY = Path.of("/run/systemd/nspawn/locks");

  /**
   * Starts loading the native bindings on a daemon thread, for a front end that knows it will open a store soon
   * (loading them is a large part of a short command's run): the work overlaps what the front end does meanwhile,
   * and the store's first kernel call waits only for what is not done yet. Here, so that a front end need not
   * know the kernel module behind the store.
   */
  public static void loadNativeCodeInBackground() {
    NativeBindings.loadInBackground();
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    List<Path> searchPath = SYSTEMD_SEARCH_PATH;
    Path writablePool = DEFAULT_POOL;
    List<Path> vendorRoots = List.of(VENDOR_ROOT);
    Path settingsDirectory = SETTINGS_DIRECTORY;
    Path lockDirectory = LOCK_DIRECTORY;
    StoreListener listener = StoreListener.NONE;
    Clock clock = Clock.systemUTC();

    private Builder() {}

    /** One directory replaces the search path and receives new images. Null keeps systemd's search path. */
    public Builder imageRoot(Path imageRoot) {
      if (imageRoot == null) {
        searchPath = SYSTEMD_SEARCH_PATH;
        writablePool = DEFAULT_POOL;
      } else {
        searchPath = List.of(imageRoot);
        writablePool = imageRoot;
      }
      return this;
    }

    /** Directories searched for images, first name wins; new images still land in {@link #writablePool}. */
    public Builder searchPath(List<Path> directories) {
      this.searchPath = List.copyOf(directories);
      return this;
    }

    /** Where new images land (created mode 0700, as a subvolume on btrfs, where missing). */
    public Builder writablePool(Path pool) {
      this.writablePool = Objects.requireNonNull(pool, "pool");
      return this;
    }

    /** Directories whose images are vendor images ({@code /usr} by default). */
    public Builder vendorRoots(List<Path> roots) {
      this.vendorRoots = List.copyOf(roots);
      return this;
    }

    /** The directory of host-wide {@code NAME.nspawn} settings that move with their image; null for none. */
    public Builder settingsDirectory(Path directory) {
      this.settingsDirectory = directory;
      return this;
    }

    /** The directory of nspawn's lock files; only tests should change it. */
    public Builder lockDirectory(Path directory) {
      this.lockDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    public Builder listener(StoreListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ImageStore build() {
      return new ImageStore(this);
    }
  }

  private final Discovery discovery;
  private final Path pool;
  private final Path settingsDirectory;
  private final ImageLocks locks;
  private final UsageCache usage;
  private final Descriptions descriptions;
  private final Sweeper sweeper;
  private final StoreListener listener;
  private final Operations operations;
  private final Limits limits;
  private final LayerStore layers;
  private final Clock clock;

  private ImageStore(Builder builder) {
    this.discovery = new Discovery(builder.searchPath, builder.vendorRoots);
    this.pool = builder.writablePool.toAbsolutePath().normalize();
    this.settingsDirectory = builder.settingsDirectory;
    this.locks = new ImageLocks(builder.lockDirectory);
    this.usage = new UsageCache(builder.clock);
    this.descriptions = new Descriptions(usage);
    this.listener = builder.listener;
    this.sweeper = new Sweeper(listener, builder.clock);
    this.operations =
        new Operations(discovery, locks, listener, settingsDirectory, entry -> descriptions.describe(entry, true),
            builder.clock);
    this.clock = builder.clock;
    this.limits = new Limits(discovery, locks, listener);
    this.layers = new LayerStore(this, pool, listener);
  }

  /**
   * Every image along the search path (hidden ones where asked, and then the writable pool's OCI layers too, last),
   * first name wins, in search path order.
   */
  public List<Image> list(boolean includeHidden) throws IOException {
    return list(includeHidden, true);
  }

  /**
   * As {@link #list(boolean)}, for a caller that shows no origin (a table, a completion, io.systemd.MachineImage's
   * List): each image's {@link Image#origin()} is null, and no {@code NAME.origin} is opened and parsed, a third of
   * a listing's time.
   */
  public List<Image> listWithoutOrigins(boolean includeHidden) throws IOException {
    return list(includeHidden, false);
  }

  private List<Image> list(boolean includeHidden, boolean withOrigins) throws IOException {
    sweepPools();
    List<Entry> entries = discovery.all();
    if (includeHidden) {
      entries.addAll(layers.entries());
    }
    return descriptions.list(entries, includeHidden, withOrigins, listener);
  }

  /**
   * Checks that {@code name} is one the store takes for a new image, throwing USAGE with the store's reason where
   * it is not: for a caller that settles on a name (a pull derives one from its URL) before it reaches the store.
   */
  public static void checkNewName(String name) throws JimgException {
    ImageNames.fresh(name);
  }

  /** Whether an image of that name is found along the search path: what {@link #show} finds, without reading it. */
  public boolean exists(String name) throws IOException {
    ImageNames.existing(name);
    return discovery.find(name) != null;
  }

  /** One image with everything the store knows of it, os-release included. */
  public Image show(String name) throws IOException {
    ImageNames.existing(name);
    sweepPools();
    for (int lookup = 1; ; lookup++) {
      Entry entry = discovery.require(name);
      try {
        return descriptions.describe(entry, true);
      } catch (NativeException e) {
        // Read without locks: where the name no longer holds what was found, what it holds now is shown.
        Entry now = discovery.find(name);
        if (now == null) {
          throw Failures.notFound(name);
        }
        if (now.isSameImage(entry) || lookup == ImageLocks.LOOKUPS) {
          throw Failures.of("cannot read image " + ImageNames.show(name), e);
        }
      }
    }
  }

  /**
   * Copies an image to a new name in the writable pool, with its companion files: a snapshot where the source
   * is a subvolume on the same btrfs (allowed while a container runs it), a faithful copy otherwise.
   */
  public Image clone(String source, String target, boolean readOnly) throws IOException {
    return clone(source, target, new CreateOptions(false, readOnly));
  }

  /**
   * As {@link #clone(String, String, boolean)}; with {@code options.force()} an image of that name in the
   * writable pool is replaced atomically (RENAME_EXCHANGE), and stays whole where the clone fails.
   */
  public Image clone(String source, String target, CreateOptions options) throws IOException {
    return clone(source, target, options, Cancellation.NEVER);
  }

  /**
   * As {@link #clone(String, String, CreateOptions)}, stopped by {@code cancellation}: a copy (off btrfs, or of a
   * directory or raw image) checks it between entries and between blocks of 64 MiB at most, so that a cancel is
   * noticed within one of them, and then fails with {@link JimgException.Reason#CANCELLED}, its temporaries
   * removed and nothing published. A snapshot is too quick to need it. A cancel that comes once the copy is made
   * and publishing has begun is too late: the clone then completes.
   */
  public Image clone(String source, String target, CreateOptions options, Cancellation cancellation)
      throws IOException {
    Objects.requireNonNull(cancellation, "cancellation");
    ImageNames.existing(source);
    ImageNames.fresh(target);
    Objects.requireNonNull(options, "options");
    if (source.equals(target)) {
      throw new JimgException(JimgException.Reason.USAGE, "cannot clone image " + ImageNames.show(source)
          + " onto itself");
    }
    try (Fd poolFd = openPool()) {
      return operations.clone(source, target, options, poolFd, pool, cancellation);
    } finally {
      usage.invalidate();
    }
  }

  /**
   * Gives image {@code name} in the writable pool its settings file {@code NAME.nspawn} beside it, replacing one
   * there: written whole under a temporary of its own, then renamed over the name, never through a symlink.
   */
  public void writeSettings(String name, byte[] settings) throws IOException {
    writeCompanion(name, ".nspawn", settings);
  }

  /** Writes a companion file {@code NAME.SUFFIX} of image {@code name} beside it, as {@link #writeSettings} does. */
  void writeCompanion(String name, String suffix, byte[] content) throws IOException {
    ImageNames.existing(name);
    try (Fd poolFd = openPool(); Work work = Work.begin(poolFd, pool, listener)) {
      byte[] temporary = work.name("companion0");
      Companions.write(poolFd, temporary, content, 0644);
      poolFd.rename(temporary, poolFd, FileNames.bytes(name + suffix), 0);
      poolFd.fsync();
    } catch (NativeException e) {
      throw Failures.of("cannot write the " + suffix + " file of image " + ImageNames.show(name), e);
    }
  }

  /** Gives an image a new name in its pool; its companion files follow. */
  public void rename(String from, String to) throws IOException {
    ImageNames.existing(from);
    ImageNames.fresh(to);
    sweepPools();
    Operations.refuseVendor(discovery.require(from), "rename");
    operations.rename(from, to);
  }

  /** Checks and locks every name before it removes any. */
  public void remove(List<String> names) throws IOException {
    for (String name : names) {
      ImageNames.existing(name);
    }
    sweepPools();
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(names));
    for (String name : distinct) {
      Operations.refuseVendor(discovery.require(name), "remove");
    }
    operations.remove(distinct);
    usage.invalidate();
  }

  @SuppressWarnings("try") // the locks are held for the block, not used in it
  public void setReadOnly(String name, boolean readOnly) throws IOException {
    ImageNames.existing(name);
    if (!readOnly) {
      Operations.refuseVendor(discovery.require(name), "make writable");
    }
    try (ImageLocks.Locked held = locks.byName(discovery, name, LockKind.EXCLUSIVE, "change")) {
      if (!readOnly) {
        Operations.refuseVendor(held.entry(), "make writable");
      }
      ReadOnlyFlag.set(held.entry(), readOnly);
    } catch (NativeException e) {
      throw Failures.of("cannot make image " + ImageNames.show(name) + (readOnly ? " read-only" : " writable"), e);
    }
    listener.event(new StoreEvent(StoreEvent.Kind.CHANGED, name, readOnly ? "read-only" : "writable"));
  }

  /**
   * A limit in bytes for one image, or for the whole pool's images where name is null; -1 clears it, 0 is a usage
   * error. A limit below current usage is accepted with a WARNING event saying what will fail.
   */
  public void setLimit(String name, long bytes) throws IOException {
    if (name == null) {
      Limits.check(bytes);
      try (Fd poolFd = openPool()) {
        limits.setPool(poolFd, pool, bytes);
      }
    } else {
      limits.setImage(name, bytes);
    }
    usage.invalidate();
  }

  /**
   * Removes hidden images (all images where asked), skipping and reporting those in use, and the OCI layers no
   * image needs (every layer where asked; see {@link LayerStore#clean}). Vendor images stay.
   */
  public CleanReport clean(boolean all) throws IOException {
    sweepPools();
    List<String> removed = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    for (Entry entry : discovery.all()) {
      if (entry.vendor() || (!all && !entry.hidden())) {
        continue;
      }
      try {
        operations.remove(List.of(entry.name()));
        removed.add(entry.name());
      } catch (JimgException e) {
        if (e.reason() == JimgException.Reason.NOT_FOUND) {
          continue; // removed or renamed meanwhile by another caller
        }
        if (e.reason() != JimgException.Reason.BUSY) {
          throw e;
        }
        busy.add(entry.name());
        listener.event(new StoreEvent(StoreEvent.Kind.SKIPPED_BUSY, entry.name(), e.getMessage()));
      }
    }
    CleanReport cleaned = layers.cleanIfAny(all);
    removed.addAll(cleaned.removed());
    busy.addAll(cleaned.skippedBusy());
    usage.invalidate();
    return new CleanReport(List.copyOf(removed), List.copyOf(busy));
  }

  /** Holds an image under the locks systemd-nspawn takes; shared for reading, exclusive for writing. */
  public ImageLease lease(String name, Access access) throws IOException {
    ImageNames.existing(name);
    Objects.requireNonNull(access, "access");
    ImageLocks.Locked locked = access == Access.READ ? locks.byName(discovery, name, LockKind.SHARED, "read")
        : locks.byName(discovery, name, LockKind.EXCLUSIVE, "write");
    ImageLocks.Held held = locked.held();
    try {
      return new HeldImage(descriptions.describe(locked.entry(), false), locked.entry(), held);
    } catch (NativeException e) {
      held.close();
      throw Failures.of("cannot read image " + ImageNames.show(name), e);
    } catch (RuntimeException e) {
      held.close();
      throw e;
    }
  }

  /** Makes a tree image (a subvolume on btrfs, a directory elsewhere) that filler populates, then publishes it. */
  public Image createTree(String name, CreateOptions options, TreeFiller filler) throws IOException {
    ImageNames.fresh(name);
    Objects.requireNonNull(filler, "filler");
    try (Fd poolFd = openPool()) {
      return operations.create(name, options, poolFd, pool, filler, null);
    } finally {
      usage.invalidate();
    }
  }

  /** Makes a raw image {@code NAME.raw} that filler writes, then publishes it. */
  public Image createRaw(String name, CreateOptions options, RawFiller filler) throws IOException {
    ImageNames.fresh(name);
    Objects.requireNonNull(filler, "filler");
    try (Fd poolFd = openPool()) {
      return operations.create(name, options, poolFd, pool, null, filler);
    } finally {
      usage.invalidate();
    }
  }

  /** A hidden locked name in the writable pool for a root that lives only while this process holds it. */
  public Scratch scratch() throws IOException {
    Fd poolFd = openPool();
    try {
      return new ScratchName(poolFd, Work.begin(poolFd, pool, listener), listener);
    } catch (NativeException e) {
      poolFd.close();
      throw Failures.of("cannot make a scratch name in " + pool, e);
    } catch (RuntimeException e) {
      poolFd.close();
      throw e;
    }
  }

  /** New images in the writable pool published all together or not at all; see {@link Batch}. */
  public Batch batch() throws IOException {
    Fd poolFd = openPool();
    try {
      return new Batch(poolFd, pool, Work.begin(poolFd, pool, listener), clock);
    } catch (NativeException e) {
      poolFd.close();
      throw Failures.of("cannot begin a batch in " + pool, e);
    } catch (RuntimeException e) {
      poolFd.close();
      throw e;
    }
  }

  /** The pool's OCI layers; see {@link LayerStore}, which says what it does off btrfs. */
  public LayerStore layers() {
    return layers;
  }

  /** Where new images land. */
  public Path writablePool() {
    return pool;
  }

  // ---- internals ----

  /** Opens the writable pool, making it where missing, and sweeps what killed processes left there. */
  Fd openPool() throws JimgException {
    Fd poolFd;
    try {
      poolFd = Directories.ensure(pool, 0700, true);
    } catch (NativeException e) {
      throw Failures.of("cannot open the image pool " + pool, e);
    }
    sweeper.sweep(poolFd, pool);
    return poolFd;
  }

  /** Sweeps every pool jimg may have worked in (the writable one and the search path's), without making any. */
  private void sweepPools() throws JimgException {
    java.util.Set<Path> pools = new java.util.LinkedHashSet<>();
    pools.add(pool);
    pools.addAll(discovery.searchPath());
    for (Path candidate : pools) {
      if (discovery.isVendor(candidate)) {
        continue;
      }
      try (Fd poolFd = Directories.openIfExists(candidate)) {
        if (poolFd != null) {
          sweeper.sweep(poolFd, candidate);
        }
      } catch (UnsafeDirectory e) {
        throw Failures.of("cannot sweep " + candidate, e);
      } catch (NativeException e) {
        // no pool that can be opened: nothing to sweep, and a lookup there reports why
      }
    }
  }


}
