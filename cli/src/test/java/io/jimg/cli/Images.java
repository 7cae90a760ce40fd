package io.jimg.cli;

import io.jimg.images.Image;
import io.jimg.images.ImageType;
import io.jimg.images.Usage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Image records for rendering tests. */
final class Images {
  private Images() {}

  static final Instant CREATED = Instant.parse("2026-11-28T09:15:30.123456789Z");
  static final Instant MODIFIED = Instant.parse("2026-11-29T05:00:00Z");

  static Image subvolume(String name) {
    return new Image(name, ImageType.SUBVOLUME, Path.of("/var/lib/machines", name), false, name.startsWith("."),
        false, CREATED, MODIFIED, new Usage(186960896L, 12288L, 21474836480L, Usage.UNKNOWN, true, MODIFIED),
        Map.of("PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)", "ID", "debian"));
  }

  static Image rawWithoutTimes(String name) {
    return new Image(name, ImageType.RAW, Path.of("/var/lib/machines", name + ".raw"), true, false, false, null,
        null, Usage.unknown(MODIFIED), Map.of());
  }
}
