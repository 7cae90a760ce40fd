package io.jimg.images;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Subvolume;
import io.jimg.images.JimgException.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The pool's OCI layers, where the pool is on btrfs: each layer a read-only hidden subvolume named by its chain id
 * ({@code .oci-layer-sha256-<hex>}), made as a snapshot of its parent layer (an empty subvolume for a first layer)
 * under an operation's temporary, filled by the caller's {@link LayerFiller}, made read-only, flushed and published
 * by one rename, as images are. An image made from a layer is a writable snapshot of it, a plain subvolume that
 * every nspawn boots, and records its chain ({@code NAME.oci-layers}): the layers are a cache, which no image
 * depends on, and {@link #clean} removes those no image's record names. {@link #trim} bounds them as the pull
 * cache is bounded, least recently used first, counting the bytes each layer's filler reported.
 *
 * <p>Each layer has its lock, {@code .#.oci-layer-sha256-<hex>.lck}: a create holds it exclusively (a second
 * create of the same chain id waits for it, then takes the first one's layer), a snapshot of a layer holds it
 * shared, and a removal takes it exclusively without waiting (BUSY, or skipped by clean, where it is held).
 *
 * <p>Off btrfs {@link #supported()} is false and the other calls fail: the caller then applies all the layers
 * in order into one new image ({@link ImageStore#createTree}), keeping no layers.
 */
public final class LayerStore {
  private final ImageStore store;
  private final Path pool;
  private final StoreListener listener;

  LayerStore(ImageStore store, Path pool, StoreListener listener) {
    this.store = store;
    this.pool = pool;
    this.listener = listener;
  }

  /** Whether the writable pool can keep layers: it is on btrfs. */
  public boolean supported() throws IOException {
    try (Fd poolFd = store.openPool()) {
      return Btrfs.isBtrfs(poolFd);
    } catch (NativeException e) {
      throw Failures.of("cannot look at the image pool " + pool, e);
    }
  }

  /** The layer of that chain id, marked used, or empty. */
  public Optional<Layer> find(String chainId) throws IOException {
    LayerNames.fileName(chainId);
    try (Fd poolFd = store.openPool()) {
      Optional<Layer> layer = read(poolFd, chainId);
      if (layer.isPresent()) {
        LayerRecords.touch(poolFd, chainId);
      }
      return layer;
    } catch (NativeException e) {
      throw Failures.of("cannot look for layer " + chainId + " in " + pool, e);
    }
  }

  /** Every layer of the pool, oldest use first; none off btrfs. */
  public List<Layer> list() throws IOException {
    try (Fd poolFd = store.openPool()) {
      List<Layer> layers = new ArrayList<>();
      for (DirEntry entry : poolFd.list()) {
        String chainId = LayerNames.chainId(entry.name());
        if (chainId != null) {
          read(poolFd, chainId).ifPresent(layers::add);
        }
      }
      layers.sort(Comparator.comparing(Layer::lastUsed));
      return layers;
    } catch (NativeException e) {
      throw Failures.of("cannot list the layers in " + pool, e);
    }
  }

  /**
   * The layer of {@code chainId}, made where the pool has none yet: a snapshot of {@code parentChainId}'s layer
   * (NOT_FOUND where the pool has none) or an empty subvolume, filled by {@code filler}. A failed or cancelled
   * fill leaves nothing. Where another process makes the same layer meanwhile, this one waits for it and takes
   * its layer ({@code filler} then is not called).
   */
  public Layer create(String chainId, Optional<String> parentChainId, LayerFiller filler, Cancellation cancellation)
      throws IOException {
    byte[] fileName = LayerNames.fileName(chainId);
    if (parentChainId.isPresent()) {
      LayerNames.fileName(parentChainId.get());
    }
    Objects.requireNonNull(filler, "filler");
    Objects.requireNonNull(cancellation, "cancellation");
    cancellation.check();
    try (Fd poolFd = store.openPool()) {
      requireBtrfs(poolFd);
      try (LockFile held = lock(poolFd, chainId, LockKind.EXCLUSIVE, true)) {
        Optional<Layer> made = read(poolFd, chainId);
        if (made.isPresent()) {
          LayerRecords.touch(poolFd, chainId);
          return made.get();
        }
        try (Work work = Work.begin(poolFd, pool, listener)) {
          byte[] temporary = work.name("layer");
          long bytes = make(poolFd, work, temporary, parentChainId, filler, cancellation);
          byte[] use = work.name("use");
          Companions.write(poolFd, use, LayerRecords.encodeUse(parentChainId, bytes), 0644);
          Intent intent = new Intent();
          intent.rename(pool, use, LayerNames.useName(chainId), true, false, Fingerprint.of(poolFd, use));
          intent.rename(pool, temporary, fileName, true, false, Fingerprint.of(poolFd, temporary));
          commit(work, intent, chainId);
        }
        listener.event(new StoreEvent(StoreEvent.Kind.CREATED, null, "layer " + chainId + " made"));
        return read(poolFd, chainId).orElseThrow(() -> new IllegalStateException("layer " + chainId + " is gone"));
      }
    } catch (NativeException e) {
      throw Failures.of("cannot make layer " + chainId + " in " + pool, e);
    }
  }

  /** Makes the layer's tree under {@code temporary}, read-only and flushed; returns its filler's bytes. */
  private long make(Fd poolFd, Work work, byte[] temporary, Optional<String> parentChainId, LayerFiller filler,
      Cancellation cancellation) throws IOException {
    if (parentChainId.isPresent()) {
      try (LockFile parent = lock(poolFd, parentChainId.get(), LockKind.SHARED, true);
          Fd parentRoot = openLayer(poolFd, parentChainId.get())) {
        Subvolume.snapshot(parentRoot, poolFd, temporary, ReadOnly.of(false));
      }
    } else {
      Subvolume.create(poolFd, temporary);
    }
    try (Fd root = poolFd.openDirectory(temporary)) {
      if (parentChainId.isEmpty()) {
        root.chmod(0755);
      }
      long bytes = filler.fill(new NewImage(root, work.path(temporary)));
      cancellation.check();
      poolFd.syncfs();
      Subvolume.setReadOnly(root, true);
      return bytes;
    }
  }

  /**
   * Makes image {@code name} a writable (or, with {@code options.readOnly()}, read-only) snapshot of the layer
   * {@code topChainId}, and records its chain beside it so that {@link #clean} keeps its layers.
   */
  public Image createImage(String name, String topChainId, CreateOptions options) throws IOException {
    LayerNames.fileName(topChainId);
    Objects.requireNonNull(options, "options");
    Image image;
    try (Fd poolFd = store.openPool()) {
      requireBtrfs(poolFd);
      try (LockFile held = lock(poolFd, topChainId, LockKind.SHARED, true); Fd top = openLayer(poolFd, topChainId)) {
        List<String> chain = LayerRecords.chain(poolFd, topChainId);
        image = store.createTree(name, options, new SnapshotFiller(top));
        // Recorded while the top layer is still held, so that no clean finds it unneeded in between.
        store.writeCompanion(name, LayerNames.CHAIN_SUFFIX, LayerRecords.encodeChain(chain));
        for (String id : chain) {
          LayerRecords.touch(poolFd, id);
        }
      }
    } catch (NativeException e) {
      throw Failures.of("cannot make image " + ImageNames.show(name) + " from layer " + topChainId, e);
    }
    return image;
  }

  /** Removes one layer with its use record; BUSY where an operation holds it, NOT_FOUND where there is none. */
  public void remove(String chainId) throws IOException {
    LayerNames.fileName(chainId);
    try (Fd poolFd = store.openPool()) {
      if (!removeIfFree(poolFd, chainId)) {
        throw new JimgException(Reason.BUSY, "cannot remove layer " + chainId + ": an operation is using it");
      }
    } catch (NativeException e) {
      throw Failures.of("cannot remove layer " + chainId + " from " + pool, e);
    }
  }

  /**
   * Removes the layers no image's chain record names, or with {@code all} every layer; a layer an operation holds
   * is skipped and reported busy.
   */
  public CleanReport clean(boolean all) throws IOException {
    List<String> removed = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    try (Fd poolFd = store.openPool()) {
      Set<String> needed = all ? Set.of() : LayerRecords.needed(poolFd);
      for (Layer layer : list()) {
        if (!needed.contains(layer.chainId())) {
          (removeIfFree(poolFd, layer.chainId()) ? removed : busy).add(layer.chainId());
        }
      }
    } catch (NativeException e) {
      throw Failures.of("cannot clean the layers in " + pool, e);
    }
    return new CleanReport(List.copyOf(removed), List.copyOf(busy));
  }

  /**
   * Removes the least recently used layers that no image needs until the layers' bytes are at most
   * {@code maxBytes} (or none is left to remove); returns the chain ids removed.
   */
  public List<String> trim(long maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new JimgException(Reason.USAGE, "the layers' size limit must be at least 0: " + maxBytes);
    }
    List<String> removed = new ArrayList<>();
    try (Fd poolFd = store.openPool()) {
      List<Layer> layers = list();
      long total = layers.stream().mapToLong(Layer::bytes).sum();
      Set<String> needed = LayerRecords.needed(poolFd);
      for (Layer layer : layers) {
        if (total <= maxBytes) {
          break;
        }
        if (!needed.contains(layer.chainId()) && removeIfFree(poolFd, layer.chainId())) {
          total -= layer.bytes();
          removed.add(layer.chainId());
          listener.event(new StoreEvent(StoreEvent.Kind.REMOVED, null, "layer " + layer.chainId() + " evicted"));
        }
      }
    } catch (NativeException e) {
      throw Failures.of("cannot trim the layers in " + pool, e);
    }
    return removed;
  }

  /** The layers as the store's entries, for a listing of hidden images; none where the pool is missing. */
  List<Entry> entries() throws JimgException {
    List<Entry> entries = new ArrayList<>();
    try (Fd poolFd = Directories.openIfExists(pool)) {
      if (poolFd == null || !Btrfs.isBtrfs(poolFd)) {
        return entries;
      }
      for (DirEntry entry : poolFd.list()) {
        String chainId = LayerNames.chainId(entry.name());
        Stat stat = chainId == null ? null : poolFd.statIfExists(entry.name());
        if (stat != null && stat.isDirectory()) {
          entries.add(new Entry(FileNames.show(entry.name()), ImageType.SUBVOLUME, pool, entry.name(), false, false,
              stat));
        }
      }
      return entries;
    } catch (NativeException e) {
      throw Failures.of("cannot list the layers in " + pool, e);
    }
  }

  /** As {@link #clean}, where the pool exists and keeps layers; an empty report where it does not. */
  CleanReport cleanIfAny(boolean all) throws IOException {
    try (Fd poolFd = Directories.openIfExists(pool)) {
      if (poolFd == null || !Btrfs.isBtrfs(poolFd)) {
        return new CleanReport(List.of(), List.of());
      }
    } catch (NativeException e) {
      throw Failures.of("cannot open the image pool " + pool, e);
    }
    return clean(all);
  }

  // ---- internals ----

  private Optional<Layer> read(Fd poolFd, String chainId) throws NativeException, JimgException {
    byte[] fileName = LayerNames.fileName(chainId);
    Stat stat = poolFd.statIfExists(fileName);
    if (stat == null || !stat.isDirectory() || !stat.isSubvolumeRoot()) {
      return Optional.empty();
    }
    LayerRecords.Use use = LayerRecords.readUse(poolFd, chainId, stat);
    return Optional.of(new Layer(chainId, use.parentChainId(), pool.resolve(FileNames.show(fileName)), use.bytes(),
        use.lastUsed()));
  }

  private static Fd openLayer(Fd poolFd, String chainId) throws NativeException, JimgException {
    byte[] fileName = LayerNames.fileName(chainId);
    Stat stat = poolFd.statIfExists(fileName);
    if (stat == null || !stat.isDirectory()) {
      throw new JimgException(Reason.NOT_FOUND, "no layer " + chainId + " in the pool");
    }
    return poolFd.openDirectory(fileName);
  }

  /** Removes a layer and its use record where no one holds it; false where someone does. */
  private boolean removeIfFree(Fd poolFd, String chainId) throws NativeException, JimgException {
    try (LockFile held = lock(poolFd, chainId, LockKind.EXCLUSIVE, false)) {
      if (held == null) {
        return false;
      }
      byte[] fileName = LayerNames.fileName(chainId);
      if (poolFd.statIfExists(fileName) == null) {
        throw new JimgException(Reason.NOT_FOUND, "no layer " + chainId + " in the pool");
      }
      try (Work work = Work.begin(poolFd, pool, listener)) {
        Intent intent = new Intent();
        intent.rename(pool, fileName, work.name("trash"), true, false, Fingerprint.of(poolFd, fileName));
        byte[] use = LayerNames.useName(chainId);
        if (poolFd.statIfExists(use) != null) {
          intent.remove(pool, use, Fingerprint.of(poolFd, use));
        }
        commit(work, intent, chainId);
      }
      listener.event(new StoreEvent(StoreEvent.Kind.REMOVED, null, "layer " + chainId + " removed"));
      return true;
    }
  }

  private static LockFile lock(Fd poolFd, String chainId, LockKind kind, boolean wait)
      throws NativeException, JimgException {
    Fd directory = poolFd.openDirectory(new byte[] {'.'});
    byte[] name = LayerNames.lockName(chainId);
    return wait ? LockFile.awaitTake(directory, name, kind) : LockFile.tryTake(directory, name, kind);
  }

  private void requireBtrfs(Fd poolFd) throws NativeException, JimgException {
    if (!Btrfs.isBtrfs(poolFd)) {
      throw new JimgException(Reason.FAILED, "the image pool " + pool + " is not on btrfs, where layers are kept as"
          + " snapshots; apply an image's layers into one new image instead");
    }
  }

  private static void commit(Work work, Intent intent, String chainId) throws NativeException, JimgException {
    try {
      work.commit(intent);
    } catch (Intent.Stopped stopped) {
      if (stopped.failure != null) {
        throw stopped.failure;
      }
      throw new JimgException(Reason.FAILED, "layer " + chainId + " changed while it was being worked on");
    }
  }
}
