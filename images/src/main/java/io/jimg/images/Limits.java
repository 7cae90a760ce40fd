package io.jimg.images;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Quota;
import io.jimg.btrfs.QuotaUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Quota limits of images and of the pool. A limit may be set below what is used already (it is the only way to
 * stop an image growing at once), so it is accepted with a warning of what will fail; it can always be raised
 * or removed again, since btrfs.Quota changes limits from outside the limited subvolume.
 */
final class Limits {
  private final Discovery discovery;
  private final ImageLocks locks;
  private final StoreListener listener;

  Limits(Discovery discovery, ImageLocks locks, StoreListener listener) {
    this.discovery = discovery;
    this.locks = locks;
    this.listener = listener;
  }

  /** Rejects what is no limit: 0 would refuse every write, even the one that removes an image's files. */
  static void check(long bytes) throws JimgException {
    if (bytes == 0 || bytes < -1) {
      throw new JimgException(JimgException.Reason.USAGE,
          "a limit is a positive number of bytes, or none to remove it (a limit of 0 would refuse every write): "
              + bytes);
    }
  }

  void setPool(Fd poolFd, Path pool, long bytes) throws IOException {
    check(bytes);
    if (!Btrfs.isSubvolume(poolFd)) {
      throw new JimgException(JimgException.Reason.USAGE,
          "cannot limit the pool " + pool + ": it is not a btrfs subvolume");
    }
    try {
      Optional<Quota.Mode> enabled = Quota.setLimitOfNested(poolFd, bytes);
      announce(enabled, pool);
      warnIfOver(null, "the pool " + pool, poolFd, bytes, "new images, clones, imports and writes in any image");
    } catch (NativeException e) {
      throw Failures.of("cannot limit the pool " + pool, e);
    }
    listener.event(new StoreEvent(StoreEvent.Kind.CHANGED, null, "pool " + text(bytes)));
  }

  @SuppressWarnings("try") // the locks are held for the block, not used in it
  void setImage(String name, long bytes) throws IOException {
    check(bytes);
    ImageNames.existing(name);
    requireLimitable(discovery.require(name));
    try (ImageLocks.Locked held = locks.byName(discovery, name, LockKind.EXCLUSIVE, "limit");
        Fd root = ReadOnlyFlag.open(requireLimitable(held.entry()))) {
      Optional<Quota.Mode> enabled = Quota.setLimit(root, bytes);
      announce(enabled, held.entry().path());
      warnIfOver(name, "image " + ImageNames.show(name), root, bytes, "every write in it");
    } catch (NativeException e) {
      throw Failures.of("cannot limit image " + ImageNames.show(name), e);
    }
    listener.event(new StoreEvent(StoreEvent.Kind.CHANGED, name, text(bytes)));
  }

  private void announce(Optional<Quota.Mode> enabled, Path where) {
    enabled.ifPresent(mode -> listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
        "quota switched on for the whole btrfs filesystem holding " + where + (mode == Quota.Mode.SIMPLE
            ? " (simple quotas: a little bookkeeping on every write; only data written from now on is counted,"
                + " against the image that wrote it)"
            : " (full qgroups: every write and snapshot on that filesystem now costs accounting time)"))));
  }

  private void warnIfOver(String image, String what, Fd subvolume, long bytes, String fails) throws NativeException {
    if (bytes < 0) {
      return;
    }
    QuotaUsage usage = Quota.usage(subvolume);
    if (usage.referenced() > bytes) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, image, what + " uses " + usage.referenced()
          + " bytes, over its new limit of " + bytes + ": " + fails + " will fail with \"Disk quota exceeded\""
          + " until the limit is raised or removed"));
    }
  }

  static Entry requireLimitable(Entry entry) throws JimgException {
    Operations.refuseVendor(entry, "limit");
    if (entry.type() != ImageType.SUBVOLUME) {
      throw new JimgException(JimgException.Reason.USAGE, "cannot limit image " + ImageNames.show(entry.name()) + " ("
          + entry.path() + "): a " + entry.type().label() + " image has no quota, only btrfs subvolumes do");
    }
    return entry;
  }

  private static String text(long bytes) {
    return bytes < 0 ? "limit removed" : "limit set to " + bytes + " bytes";
  }
}
