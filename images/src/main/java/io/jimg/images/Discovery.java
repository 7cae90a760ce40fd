package io.jimg.images;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Finds images along the search path as systemd does: first name wins, temporaries and odd names are passed over. */
final class Discovery {
  private final List<Path> searchPath;
  private final List<Path> vendorRoots;

  Discovery(List<Path> searchPath, List<Path> vendorRoots) {
    this.searchPath = searchPath;
    this.vendorRoots = vendorRoots;
  }

  List<Path> searchPath() {
    return searchPath;
  }

  boolean isVendor(Path pool) {
    Path normalized = pool.toAbsolutePath().normalize();
    return vendorRoots.stream().anyMatch(root -> normalized.startsWith(root.toAbsolutePath().normalize()));
  }

  /** Every image along the search path, hidden ones included, in search path order. */
  List<Entry> all() throws JimgException {
    Map<String, Entry> found = new LinkedHashMap<>();
    for (Path pool : searchPath) {
      try (Fd directory = openPool(pool)) {
        if (directory == null) {
          continue;
        }
        for (DirEntry dirEntry : directory.list()) {
          Entry entry = probe(pool, directory, dirEntry.name());
          if (entry != null) {
            found.putIfAbsent(entry.name(), entry);
          }
        }
      } catch (NativeException e) {
        throw Failures.of("cannot list the images in " + pool, e);
      }
    }
    return new ArrayList<>(found.values());
  }

  /** The image of that name, first along the search path, or null. */
  Entry find(String name) throws JimgException {
    byte[] plain = FileNames.bytes(name);
    byte[] raw = ImageNames.rawFileName(name);
    for (Path pool : searchPath) {
      try (Fd directory = openPool(pool)) {
        if (directory == null) {
          continue;
        }
        Entry entry = probe(pool, directory, plain);
        if (entry == null && raw.length <= FileNames.NAME_MAX) {
          entry = probe(pool, directory, raw);
        }
        if (entry != null && entry.name().equals(name)) {
          return entry;
        }
      } catch (NativeException e) {
        throw Failures.of("cannot look for image " + ImageNames.show(name) + " in " + pool, e);
      }
    }
    return null;
  }

  Entry require(String name) throws JimgException {
    Entry entry = find(name);
    if (entry == null) {
      throw Failures.notFound(name);
    }
    return entry;
  }

  private static Fd openPool(Path pool) throws NativeException {
    return Directories.openIfExists(pool);
  }

  /** What a directory entry is as an image, or null where it is none (or vanished meanwhile). */
  Entry probe(Path pool, Fd directory, byte[] fileName) throws NativeException {
    if (fileName.length >= 2 && fileName[0] == '.' && fileName[1] == '#') {
      return null;
    }
    String shown = ImageNames.fromFileName(fileName);
    if (shown == null) {
      return null;
    }
    Stat stat = directory.statIfExists(fileName);
    if (stat == null) {
      return null;
    }
    boolean symlink = stat.isSymlink();
    if (symlink) {
      stat = followed(pool.resolve(shown));
      if (stat == null) {
        return null;
      }
    }
    ImageType type;
    String name = shown;
    if (stat.isDirectory()) {
      type = stat.isSubvolumeRoot() && isBtrfs(directory, symlink, pool.resolve(shown)) ? ImageType.SUBVOLUME
          : ImageType.DIRECTORY;
    } else if (stat.isRegular() && shown.endsWith(ImageNames.RAW_SUFFIX)) {
      type = ImageType.RAW;
      name = shown.substring(0, shown.length() - ImageNames.RAW_SUFFIX.length());
      if (ImageNames.problem(name, FileNames.NAME_MAX) != null) {
        return null;
      }
    } else if ((stat.mode() & Linux.S_IFMT) == Linux.S_IFBLK) {
      type = ImageType.BLOCK;
    } else {
      return null;
    }
    return new Entry(name, type, pool, fileName, symlink, isVendor(pool), stat);
  }

  private static boolean isBtrfs(Fd directory, boolean symlink, Path path) throws NativeException {
    if (!symlink) {
      return Btrfs.isBtrfs(directory);
    }
    try (Fd target = Fd.open(path, Linux.O_PATH)) {
      return Btrfs.isBtrfs(target);
    }
  }

  private static Stat followed(Path path) throws NativeException {
    try (Fd target = Fd.open(path, Linux.O_PATH)) {
      return target.stat();
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT) || e.is(Linux.ELOOP)) {
        return null; // a dangling link is no image
      }
      throw e;
    }
  }
}
