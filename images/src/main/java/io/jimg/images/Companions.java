package io.jimg.images;

import io.jimg.btrfs.FileNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files that belong to an image by name: its {@code NAME.nspawn} settings beside it and in
 * /etc/systemd/nspawn, and beside a raw image its Verity data ({@code NAME.roothash}, {@code .roothash.p7s},
 * {@code .verity}, {@code .usrhash}). They are copied, moved and removed with the image.
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

  static List<Companion> of(ImageType type, Path pool, Path settingsDirectory) {
    List<Companion> companions = new ArrayList<>();
    companions.add(new Companion(pool, ".nspawn"));
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
}
