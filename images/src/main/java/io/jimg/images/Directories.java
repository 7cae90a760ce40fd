package io.jimg.images;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Subvolume;
import java.nio.file.Path;

/** Makes the directories the store needs (pools, lock directories) where they are missing. */
final class Directories {
  private Directories() {}

  /**
   * Opens {@code path}, creating it (and missing parents, mode 0755) where it is missing: with {@code mode}, and as
   * a subvolume where {@code subvolume} is set and its parent is on btrfs.
   */
  static Fd ensure(Path path, int mode, boolean subvolume) throws NativeException {
    Path absolute = path.toAbsolutePath().normalize();
    try {
      return Fd.openDirectory(absolute);
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT) || absolute.getParent() == null) {
        throw e;
      }
    }
    try (Fd parent = ensure(absolute.getParent(), 0755, false)) {
      byte[] name = FileNames.bytes(absolute.getFileName().toString());
      try {
        if (subvolume && Btrfs.isBtrfs(parent)) {
          Subvolume.create(parent, name);
          try (Fd created = parent.openPath(name)) {
            created.chmod(mode);
          }
        } else {
          parent.mkdir(name, mode);
          try (Fd created = parent.openPath(name)) {
            created.chmod(mode); // the umask may have taken bits the caller asked for
          }
        }
        parent.fsync();
      } catch (NativeException e) {
        if (!e.is(Linux.EEXIST)) {
          throw e;
        }
      }
      return parent.openDirectory(name);
    }
  }
}
