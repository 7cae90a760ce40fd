package io.jimg.images;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files that belong to an image by name: its {@code NAME.nspawn} settings beside it and in
 * /etc/systemd/nspawn, the chain record {@code NAME.oci-layers} of an image made from OCI layers, beside a raw image
 * its Verity data ({@code NAME.roothash}, {@code .roothash.p7s}, {@code .verity}, {@code .usrhash}), and beside every
 * image jimg made its {@code NAME.origin} ({@link OriginFile}). They are copied, moved and removed with the image;
 * a clone writes its own origin rather than a copy.
 */
final class Companions {
  private Companions() {}

  static final String[] RAW_SUFFIXES = {".roothash", ".roothash.p7s", ".verity", ".usrhash"};

  /** One companion: its directory and its file name for an image of the given name. */
  record Companion(Path directory, String suffix) {
    byte[] fileName(String image) {
      return FileNames.bytes(image + suffix);
    }
  }

  /**
   * Writes a companion file whole under {@code temporary}, a fresh name of an operation's (O_EXCL, never through
   * a symlink), flushed, for the caller to rename into place: no half-written companion is ever seen by its name.
   */
  static void write(Fd directory, byte[] temporary, byte[] content, int mode) throws NativeException {
    try (Fd out = directory.open(temporary, Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
      out.pwriteFully(content, content.length, 0);
      out.chmod(mode);
      out.fsync();
    }
  }

  static List<Companion> of(ImageType type, Path pool, Path settingsDirectory) {
    List<Companion> companions = new ArrayList<>();
    companions.add(new Companion(pool, ".nspawn"));
    companions.add(new Companion(pool, LayerNames.CHAIN_SUFFIX));
    companions.add(new Companion(pool, OriginFile.SUFFIX));
    if (settingsDirectory != null) {
      companions.add(new Companion(settingsDirectory, ".nspawn"));
    }
    if (type == ImageType.RAW) {
      for (String suffix : RAW_SUFFIXES) {
        companions.add(new Companion(pool, suffix));
      }
    }
    return companions;
  }

  static boolean isRegularFile(Path directory, byte[] name) throws NativeException {
    try (Fd fd = Directories.open(directory)) {
      Stat stat = fd.statIfExists(name);
      return stat != null && stat.isRegular();
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return false;
      }
      throw e;
    }
  }

  static boolean exists(Path directory, byte[] name) throws NativeException {
    try (Fd fd = Directories.open(directory)) {
      return fd.statIfExists(name) != null;
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return false;
      }
      throw e;
    }
  }
}
