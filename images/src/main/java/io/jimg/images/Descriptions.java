package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.SubvolumeInfo;
import java.time.Instant;
import java.util.Map;

/** What the store says of an image: its type, times, usage, origin and, where asked, its os-release. */
final class Descriptions {
  private final UsageCache usage;

  Descriptions(UsageCache usage) {
    this.usage = usage;
  }

  Image describe(Entry entry, boolean withOsRelease) throws NativeException {
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
        created, stat.modified(), usage.usage(entry), osRelease, OriginFile.read(entry.pool(), entry.name()));
  }
}
