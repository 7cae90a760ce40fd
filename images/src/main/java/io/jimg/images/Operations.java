package io.jimg.images;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.CopyProgress;
import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileCopy;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.SnapshotOrCopy;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Subvolume;
import io.jimg.images.JimgException.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations that change names in a pool, each as one {@link Work}: made under temporaries, written down
 * as an {@link Intent}, then carried out, so that a crash at any point leaves whole images only.
 */
final class Operations {
  private final Discovery discovery;
  private final ImageLocks locks;
  private final StoreListener listener;
  private final Path settingsDirectory;
  private final Describer describer;
  private final Clock clock;

  /** Reads what the store tells of an image; a new one is read while its name is still locked. */
  interface Describer {
    Image describe(Entry entry) throws NativeException;
  }

  Operations(Discovery discovery, ImageLocks locks, StoreListener listener, Path settingsDirectory,
      Describer describer, Clock clock) {
    this.discovery = discovery;
    this.locks = locks;
    this.listener = listener;
    this.settingsDirectory = settingsDirectory;
    this.describer = describer;
    this.clock = clock;
  }

  /** A companion file to carry along: from one directory and name to another. */
  private record Move(Path fromDirectory, byte[] from, Path toDirectory, byte[] to, byte[] temporary) {}

  // ---- clone ----

  /**
   * With {@code options.force()} an image already under {@code target} in this pool is replaced atomically, as a
   * forced create replaces it, and the source's companion files replace the target's.
   */
  @SuppressWarnings("try") // the locks are held for the block, not used in it
  Image clone(String sourceName, String target, CreateOptions options, Fd pool, Path poolPath,
      Cancellation cancellation) throws JimgException {
    Image made;
    requireClonable(discovery.require(sourceName));
    replaceable(target, options.force(), poolPath);
    ImageLocks.Locked sourceLock = sourceLock(sourceName);
    Entry source = sourceLock.entry();
    byte[] targetFile = fileName(target, source.type());
    try (ImageLocks.Locked held = sourceLock; ImageLocks.Held names = locks.newName(poolPath, target, targetFile)) {
      requireClonable(source);
      Entry existing = replaced(target, options.force(), poolPath, names);
      try (Work work = Work.begin(pool, poolPath, listener)) {
        Intent intent = new Intent();
        List<Move> companions = companions(source, target, options.force(), poolPath, work, intent);
        if (!intent.steps().isEmpty()) {
          work.record(intent);
        }
        byte[] temporary = work.name("image");
        boolean immutable = make(source, ReadOnly.of(options.readOnly()), pool, temporary, sourceLock.held() != null,
            cancellation);
        cancellation.check(); // the last moment a cancel is heeded: from the publishing rename on, the clone completes
        for (Move move : companions) {
          copyFile(move);
        }
        publish(intent, work, pool, poolPath, temporary, targetFile, existing);
        Origin origin = options.origin() != null ? options.origin() // a pull's copy of its cache entry
            : Origin.cloneOf(OriginFile.read(source.pool(), source.name()), source.name());
        OriginFile.publish(origin, clock.instant(), pool, poolPath, work, intent, target);
        for (Move move : companions) {
          try (Fd directory = Directories.open(move.toDirectory())) {
            intent.rename(move.toDirectory(), move.temporary(), move.to(), false, options.force(),
                Fingerprint.of(directory, move.temporary()));
          }
        }
        if (immutable) {
          intent.immutable(poolPath, targetFile);
        }
        commit(work, intent, target, poolPath.resolve(FileNames.show(targetFile)));
      }
      made = published(target);
    } catch (NativeException e) {
      throw Failures.of("cannot clone image " + ImageNames.show(source.name()) + " to " + ImageNames.show(target), e);
    }
    listener.event(new StoreEvent(StoreEvent.Kind.CREATED, target, "cloned from " + source.name()));
    return made;
  }

  private static Entry requireClonable(Entry source) throws JimgException {
    if (source.type() == ImageType.BLOCK) {
      throw new JimgException(Reason.USAGE, "cannot clone image " + ImageNames.show(source.name()) + " ("
          + source.path() + "): block device images cannot be cloned");
    }
    return source;
  }

  /**
   * The source under a shared lock, or, where a container holds it and it is a subvolume, unlocked (held() null):
   * a snapshot is atomic, so cloning a running container is as safe as machinectl makes it.
   */
  private ImageLocks.Locked sourceLock(String name) throws JimgException {
    try {
      return locks.byName(discovery, name, LockKind.SHARED, "clone");
    } catch (JimgException e) {
      Entry source = e.reason() == Reason.BUSY ? discovery.find(name) : null;
      if (source != null && source.type() == ImageType.SUBVOLUME) {
        return new ImageLocks.Locked(source, null);
      }
      throw e;
    }
  }

  /** The image just published under {@code name}, read while the caller still holds the name's locks. */
  private Image published(String name) throws JimgException, NativeException {
    Entry entry = discovery.find(name);
    if (entry == null) {
      throw new IllegalStateException("image " + name + " is gone while its name is locked");
    }
    return describer.describe(entry);
  }

  /** Makes the copy under {@code temporary}; true where it is to be made immutable once it has its name. */
  private boolean make(Entry source, ReadOnly readOnly, Fd pool, byte[] temporary, boolean locked,
      Cancellation cancellation) throws NativeException, JimgException {
    switch (source.type()) {
      case SUBVOLUME:
      case DIRECTORY:
        try (Fd root = locked ? ReadOnlyFlag.open(source) : openUnlocked(source)) {
          if (locked ? SnapshotOrCopy.snapshot(root, pool, temporary, readOnly)
              : snapshotInUse(source, root, pool, temporary, readOnly)) {
            return false;
          }
          if (!locked) {
            throw new JimgException(Reason.BUSY, "cannot clone image " + ImageNames.show(source.name())
                + " to another filesystem while it is in use: " + source.path() + " is locked by a running container");
          }
          SnapshotOrCopy.Made made = SnapshotOrCopy.copy(root, pool, temporary, readOnly, progress("clone", -1),
              cancellation::check);
          pool.syncfs();
          return made == SnapshotOrCopy.Made.DIRECTORY_COPY && readOnly.isReadOnly();
        }
      case RAW:
        try (Fd in = source.open(Linux.O_RDONLY | Linux.O_NOCTTY);
            Fd out = pool.open(temporary, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
          FileCopy.copy(in, out, progress("clone", in.stat().size()), cancellation::check);
          int mode = in.stat().permissions();
          out.chmod(readOnly.isReadOnly() ? mode & ~0222 : mode);
          out.fsync();
          return false;
        }
      default:
        throw new IllegalStateException("cannot copy " + source.type());
    }
  }

  /**
   * The root of a subvolume cloned without its locks (a container holds them), only while its name still holds the
   * image that was found: an operation of jimg's that holds them may be renaming or removing it meanwhile.
   */
  static Fd openUnlocked(Entry source) throws NativeException, JimgException {
    Fd root;
    try {
      root = ReadOnlyFlag.open(source);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        throw Failures.notFound(source.name());
      }
      throw e;
    }
    Stat stat = root.stat();
    if (stat.device() != source.stat().device() || stat.inode() != source.stat().inode()) {
      root.close();
      throw new JimgException(Reason.BUSY, "cannot clone image " + ImageNames.show(source.name())
          + ": it was replaced while it was in use");
    }
    return root;
  }

  /**
   * Snapshots a subvolume whose locks someone else holds. The holder may be jimg removing it, and btrfs refuses to
   * snapshot a subvolume deleted meanwhile (ENOENT, though the open root is still at hand): the source is gone.
   */
  static boolean snapshotInUse(Entry source, Fd root, Fd pool, byte[] temporary, ReadOnly readOnly)
      throws NativeException, JimgException {
    try {
      return SnapshotOrCopy.snapshot(root, pool, temporary, readOnly);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        throw Failures.notFound(source.name());
      }
      throw e;
    }
  }

  private CopyProgress progress(String operation, long total) {
    return (bytes, entries) -> listener.progress(new Progress(operation, bytes, total, entries));
  }

  /**
   * The companion files of {@code source} that exist, planned as copies under temporaries; EXISTS where a target
   * is taken and may not be replaced.
   */
  private List<Move> companions(Entry source, String target, boolean force, Path poolPath, Work work, Intent intent)
      throws NativeException, JimgException {
    List<Move> moves = new ArrayList<>();
    int index = 0;
    for (Companions.Companion companion : Companions.of(source.type(), source.pool(), settingsDirectory)) {
      Path from = companion.directory();
      Path to = from.equals(source.pool()) ? poolPath : from;
      boolean ownRecord = companion.suffix().equals(OriginFile.SUFFIX); // the clone's origin is written anew
      if (ownRecord || !Companions.isRegularFile(from, companion.fileName(source.name()))) {
        continue;
      }
      byte[] targetName = companion.fileName(target);
      if (!force && Companions.exists(to, targetName)) {
        throw new JimgException(Reason.EXISTS, "cannot give image " + ImageNames.show(target) + " its companion file: "
            + to.resolve(FileNames.show(targetName)) + " already exists");
      }
      byte[] temporary = work.name("companion" + index++);
      if (!to.equals(poolPath)) {
        intent.temporary(to, temporary);
      }
      moves.add(new Move(from, companion.fileName(source.name()), to, targetName, temporary));
    }
    return moves;
  }

  private static void copyFile(Move move) throws NativeException {
    try (Fd fromDirectory = Directories.open(move.fromDirectory());
        Fd in = RegularFiles.open(fromDirectory, move.from(), Linux.O_RDONLY | Linux.O_NOCTTY);
        Fd toDirectory = Directories.open(move.toDirectory());
        Fd out = toDirectory.open(move.temporary(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
      FileCopy.copy(in, out, CopyProgress.NONE);
      out.chmod(in.stat().permissions());
      out.fsync();
    }
  }

  // ---- rename ----

  @SuppressWarnings("try") // the locks are held for the block, not used in it
  void rename(String from, String to) throws JimgException {
    requireFree(to);
    try (ImageLocks.Locked held = locks.byName(discovery, from, LockKind.EXCLUSIVE, "rename")) {
      refuseVendor(held.entry(), "rename");
      rename(held.entry(), to);
    }
  }

  @SuppressWarnings("try") // the locks are held for the block, not used in it
  private void rename(Entry entry, String to) throws JimgException {
    byte[] targetFile = fileName(to, entry.type());
    try (ImageLocks.Held names = locks.newName(entry.pool(), to, targetFile);
        Fd pool = Directories.open(entry.pool())) {
      requireFree(to);
      try (Work work = Work.begin(pool, entry.pool(), listener)) {
        Intent intent = new Intent();
        boolean immutable = entry.type() == ImageType.DIRECTORY && !entry.symlink() && ReadOnlyFlag.get(entry);
        intent.rename(entry.pool(), entry.fileName(), targetFile, true, false, Fingerprint.of(pool, entry.fileName()));
        for (Companions.Companion companion : Companions.of(entry.type(), entry.pool(), settingsDirectory)) {
          Path directory = companion.directory();
          byte[] from = companion.fileName(entry.name());
          if (!Companions.isRegularFile(directory, from)) {
            continue;
          }
          if (Companions.exists(directory, companion.fileName(to))) {
            throw new JimgException(Reason.EXISTS, "cannot rename image " + ImageNames.show(entry.name())
                + ": its companion file " + directory.resolve(FileNames.show(companion.fileName(to)))
                + " already exists");
          }
          try (Fd fd = Directories.open(directory)) {
            intent.rename(directory, from, companion.fileName(to), false, false, Fingerprint.of(fd, from));
          }
        }
        if (immutable) {
          intent.immutable(entry.pool(), targetFile);
        }
        commit(work, intent, to, entry.pool().resolve(FileNames.show(targetFile)));
      }
    } catch (NativeException e) {
      throw Failures.of("cannot rename image " + ImageNames.show(entry.name()) + " to " + ImageNames.show(to), e);
    }
    listener.event(new StoreEvent(StoreEvent.Kind.RENAMED, to, "renamed from " + entry.name()));
  }

  // ---- remove ----

  /** Locks every image first (BUSY where any is held, removing none), then removes them pool by pool. */
  void remove(List<String> names) throws JimgException {
    List<ImageLocks.Locked> held = new ArrayList<>();
    try {
      Map<Path, List<Entry>> byPool = new LinkedHashMap<>();
      for (String name : names) {
        ImageLocks.Locked locked = locks.byName(discovery, name, LockKind.EXCLUSIVE, "remove");
        held.add(locked);
        refuseVendor(locked.entry(), "remove");
        byPool.computeIfAbsent(locked.entry().pool(), pool -> new ArrayList<>()).add(locked.entry());
      }
      for (Map.Entry<Path, List<Entry>> pool : byPool.entrySet()) {
        removeFrom(pool.getKey(), pool.getValue());
      }
    } finally {
      for (ImageLocks.Locked h : held) {
        h.close();
      }
    }
  }

  private void removeFrom(Path poolPath, List<Entry> entries) throws JimgException {
    try (Fd pool = Directories.open(poolPath); Work work = Work.begin(pool, poolPath, listener)) {
      Intent intent = new Intent();
      int index = 0;
      for (Entry entry : entries) {
        intent.rename(poolPath, entry.fileName(), work.name("trash" + index++), true, false,
            Fingerprint.of(pool, entry.fileName()));
        for (Companions.Companion companion : Companions.of(entry.type(), entry.pool(), settingsDirectory)) {
          byte[] name = companion.fileName(entry.name());
          if (Companions.isRegularFile(companion.directory(), name)) {
            try (Fd directory = Directories.open(companion.directory())) {
              intent.remove(companion.directory(), name, Fingerprint.of(directory, name));
            }
          }
        }
      }
      commit(work, intent, entries.get(0).name(), poolPath);
    } catch (NativeException e) {
      throw Failures.of("cannot remove image " + ImageNames.show(entries.get(0).name()), e);
    }
    for (Entry entry : entries) {
      listener.event(new StoreEvent(StoreEvent.Kind.REMOVED, entry.name(), "removed " + entry.path()));
    }
  }

  // ---- create ----

  Image create(String name, CreateOptions options, Fd pool, Path poolPath, TreeFiller tree, RawFiller raw)
      throws IOException {
    Image made;
    ImageType type = tree != null ? ImageType.DIRECTORY : ImageType.RAW;
    byte[] targetFile = fileName(name, type);
    replaceable(name, options.force(), poolPath);
    try (ImageLocks.Held names = locks.newName(poolPath, name, targetFile)) {
      Entry existing = replaced(name, options.force(), poolPath, names);
      try (Work work = Work.begin(pool, poolPath, listener)) {
        byte[] temporary = work.name("image");
        boolean immutable = tree != null && options.readOnly() && !Btrfs.isBtrfs(pool);
        Origin origin = tree != null ? makeTree(pool, temporary, work.path(temporary), options, tree)
            : makeRaw(pool, temporary, work.path(temporary), options, raw);
        Intent intent = new Intent();
        publish(intent, work, pool, poolPath, temporary, targetFile, existing);
        OriginFile.publish(origin, clock.instant(), pool, poolPath, work, intent, name);
        if (immutable) {
          intent.immutable(poolPath, targetFile);
        }
        commit(work, intent, name, poolPath.resolve(FileNames.show(targetFile)));
      }
      made = published(name);
      listener.event(StoreEvent.created(name, existing != null, poolPath));
    } catch (NativeException e) {
      throw Failures.of("cannot create image " + ImageNames.show(name) + " in " + poolPath, e);
    }
    return made;
  }

  /** Makes and fills the tree; returns the origin to record, with the digest the filler reported. */
  private static Origin makeTree(Fd pool, byte[] temporary, Path path, CreateOptions options, TreeFiller filler)
      throws IOException {
    if (filler instanceof SnapshotFiller snapshot) {
      if (!SnapshotOrCopy.snapshot(snapshot.source, pool, temporary, ReadOnly.of(options.readOnly()))) {
        throw new IllegalStateException("a layer is snapshotted within its own pool");
      }
      return options.origin();
    }
    boolean subvolume = Btrfs.isBtrfs(pool);
    if (subvolume) {
      Subvolume.create(pool, temporary);
    } else {
      pool.mkdir(temporary, 0755);
    }
    try (Fd root = pool.openDirectory(temporary)) {
      root.chmod(0755);
      NewImage image = new NewImage(root, path);
      filler.fill(image);
      pool.syncfs();
      if (subvolume && options.readOnly()) {
        Subvolume.setReadOnly(root, true);
      }
      return image.origin(options.origin());
    }
  }

  private static Origin makeRaw(Fd pool, byte[] temporary, Path path, CreateOptions options, RawFiller filler)
      throws IOException {
    try (Fd file = pool.open(temporary, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
      NewImage image = new NewImage(file, path);
      filler.fill(image);
      file.chmod(options.readOnly() ? 0444 : 0644);
      file.fsync();
      return image.origin(options.origin());
    }
  }

  // ---- shared ----

  /** Fails early (EXISTS) where an image holds {@code name} and may not be replaced: no force, or another pool. */
  private void replaceable(String name, boolean force, Path poolPath) throws JimgException {
    Entry existing = discovery.find(name);
    if (existing != null && (!force || !existing.pool().equals(poolPath))) {
      throw Failures.exists(name, existing.path());
    }
  }

  /**
   * With the new name locked: the image a forced create or clone replaces, now locked exclusively (BUSY while a
   * container runs it) and held with {@code names}; null where the name is free.
   */
  private Entry replaced(String name, boolean force, Path poolPath, ImageLocks.Held names) throws JimgException {
    replaceable(name, force, poolPath);
    Entry existing = discovery.find(name);
    if (existing != null) {
      refuseVendor(existing, "replace");
      locks.image(existing, LockKind.EXCLUSIVE, "replace", names);
    }
    return existing;
  }

  /**
   * Plans publishing {@code temporary} as {@code targetFile}: replacing an image of the same file name by
   * RENAME_EXCHANGE (the old one then goes with the temporaries), else putting the old one in the trash first.
   */
  private static void publish(Intent intent, Work work, Fd pool, Path poolPath, byte[] temporary, byte[] targetFile,
      Entry existing) throws NativeException {
    boolean exchange = existing != null && java.util.Arrays.equals(existing.fileName(), targetFile);
    if (existing != null && !exchange) {
      // A tree replacing a raw image (or the other way round) has another file name: the old one goes to trash.
      intent.rename(poolPath, existing.fileName(), work.name("old"), true, false, Fingerprint.of(pool, existing.fileName()));
    }
    intent.rename(poolPath, temporary, targetFile, true, exchange, Fingerprint.of(pool, temporary));
  }

  private static void commit(Work work, Intent intent, String name, Path target) throws NativeException, JimgException {
    try {
      work.commit(intent);
    } catch (Intent.Stopped stopped) {
      if (stopped.failure != null && stopped.failure.is(Linux.EEXIST)) {
        throw new JimgException(Reason.EXISTS, "image " + ImageNames.show(name) + " already exists at " + target,
            stopped.failure);
      }
      if (stopped.failure != null) {
        throw stopped.failure;
      }
      throw new JimgException(Reason.FAILED, "image " + ImageNames.show(name) + " changed while it was being worked on ("
          + target + "); nothing was done");
    }
  }

  private void requireFree(String name) throws JimgException {
    Entry existing = discovery.find(name);
    if (existing != null) {
      throw Failures.exists(name, existing.path());
    }
  }

  static void refuseVendor(Entry entry, String doing) throws JimgException {
    if (entry.vendor()) {
      throw new JimgException(Reason.FAILED, "cannot " + doing + " image " + ImageNames.show(entry.name()) + ": "
          + entry.path() + " is a vendor image");
    }
  }

  static byte[] fileName(String name, ImageType type) {
    return type == ImageType.RAW ? ImageNames.rawFileName(name) : FileNames.bytes(name);
  }
}
