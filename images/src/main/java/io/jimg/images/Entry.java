package io.jimg.images;

import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Stat;
import java.nio.file.Path;

/**
 * An image as found in a pool: the name it is known by, the file name it has there ({@code NAME} or
 * {@code NAME.raw}), and the stat of what it is (of a symlink's target, where the entry is a link).
 */
record Entry(String name, ImageType type, Path pool, byte[] fileName, boolean symlink, boolean vendor, Stat stat) {
  Path path() {
    return pool.resolve(FileNames.show(fileName));
  }

  boolean hidden() {
    return ImageNames.isHidden(name);
  }

  boolean isTree() {
    return type == ImageType.DIRECTORY || type == ImageType.SUBVOLUME;
  }
}
