package io.jimg.runtime;

import io.jimg.images.ExecSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An image's {@code NAME.nspawn}, found and read where and as systemd-nspawn finds it. */
final class SettingsFiles {
  /** Where systemd-nspawn looks for NAME.nspawn before it looks beside the image. */
  private static final List<Path> DIRECTORIES = List.of(Path.of("/etc/systemd/nspawn"),
      Path.of("/run/systemd/nspawn"));

  private SettingsFiles() {}

  /** The settings file of image {@code name} where systemd-nspawn would find it, or null. */
  static Path find(String name, Path imagePath) {
    List<Path> candidates = new ArrayList<>();
    for (Path directory : DIRECTORIES) {
      candidates.add(directory.resolve(name + ".nspawn"));
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)) {
        return candidate;
      }
    }
    return besideImage(name, imagePath);
  }

  /** The settings file beside the image, where nspawn looks last (and trusts it less), or null. */
  static Path besideImage(String name, Path imagePath) {
    Path beside = imagePath.resolveSibling(name + ".nspawn");
    return Files.isRegularFile(beside, LinkOption.NOFOLLOW_LINKS) ? beside : null;
  }

  /**
   * Whether image {@code name}'s settings file says {@code Boot=no} in its {@code [Exec]} section, as an OCI
   * image's does: then nspawn, given no start mode of its own, runs the file's {@code Parameters=} instead of
   * booting. Read as nspawn reads it ({@link ExecSettings}): the last {@code Boot=} line counts.
   */
  static boolean saysNoBoot(String name, Path imagePath) throws IOException {
    Path settings = find(name, imagePath);
    return settings != null && ExecSettings.parse(ExecSettings.readFile(settings), "settings file " + settings).saysNoBoot();
  }
}
