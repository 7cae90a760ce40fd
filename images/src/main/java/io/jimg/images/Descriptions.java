package io.jimg.images;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.SubvolumeInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the store says of an image: its type, times, usage, origin and, where asked, its os-release. */
final class Descriptions {
  private final UsageCache usage;

  Descriptions(UsageCache usage) {
    this.usage = usage;
  }

  Image describe(Entry entry, boolean withOsRelease) throws NativeException {
    return describe(entry, withOsRelease, null, true);
  }

  /**
   * As {@link #describe(Entry, boolean)}, reading the origin (where {@code withOrigin}) through {@code pool}, the
   * entry's pool's descriptor, which a listing opens once; null: the origin's reader opens the pool itself.
   */
  private Image describe(Entry entry, boolean withOsRelease, Fd pool, boolean withOrigin) throws NativeException {
    Stat stat = entry.stat();
    Instant created = stat.born();
    Map<String, String> osRelease = Map.of();
    if (entry.isTree()) {
      try (Fd root = ReadOnlyFlag.open(entry)) {
        if (entry.type() == ImageType.SUBVOLUME) {
          SubvolumeInfo info = Subvolume.info(root);
          if (info.created() != null) {
            created = info.created();
          }
        }
        if (withOsRelease) {
          osRelease = OsRelease.read(root);
        }
      }
    }
    boolean readOnly = entry.vendor() || ReadOnlyFlag.get(entry);
    return new Image(entry.name(), entry.type(), entry.path(), readOnly, entry.hidden(), entry.vendor(),
        created, stat.modified(), usage.usage(entry), osRelease, !withOrigin ? null
            : pool == null ? OriginFile.read(entry.pool(), entry.name()) : OriginFile.read(pool, entry.name()));
  }

  /**
   * The images {@code entries} name (hidden ones where asked), each pool opened once from / for the whole listing
   * rather than once per image. An image removed or renamed while we looked is simply not listed, as it would not
   * be a moment later; one that is there and cannot be read is a warning. Either way the listing goes on. Without
   * {@code withOrigins} no origin is read, and no pool opened for them.
   */
  List<Image> list(List<Entry> entries, boolean includeHidden, boolean withOrigins, StoreListener listener) {
    List<Image> images = new ArrayList<>();
    Map<Path, Fd> pools = new HashMap<>();
    try {
      for (Entry entry : entries) {
        if (!includeHidden && entry.hidden()) {
          continue;
        }
        try {
          images.add(withOrigins ? describe(entry, false, pool(entry.pool(), pools), true)
              : describe(entry, false, null, false));
        } catch (NativeException e) {
          if (!e.is(Linux.ENOENT)) {
            listener.event(new StoreEvent(StoreEvent.Kind.WARNING, entry.name(),
                "cannot read image " + entry.path() + ": " + e.getMessage()));
          }
        }
      }
    } finally {
      pools.values().stream().filter(Objects::nonNull).forEach(Fd::close);
    }
    return images;
  }

  /**
   * The pool's descriptor, opened on first use and kept in {@code pools}; null where it cannot be opened, and the
   * image is then described as show describes it, its origin's reader trying the pool on its own (a record that
   * cannot be read is no record: it never keeps an image from being listed).
   */
  private static Fd pool(Path pool, Map<Path, Fd> pools) {
    if (!pools.containsKey(pool)) {
      Fd opened;
      try {
        opened = Directories.open(pool);
      } catch (NativeException e) {
        opened = null;
      }
      pools.put(pool, opened);
    }
    return pools.get(pool);
  }
}
