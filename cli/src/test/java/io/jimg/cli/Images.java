package io.jimg.cli;

import io.jimg.images.Image;
import io.jimg.images.ImageType;
import io.jimg.images.Origin;
import io.jimg.images.Usage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

  /** A clone of an image pulled and verified by signature, with its origin recorded. */
  static Image pulledClone(String name) {
    Image image = subvolume(name);
    Origin origin = new Origin("pull-tar", "https://example.org/debian.tar.xz", "ab".repeat(32), "signature",
        List.of("0123456789ABCDEF0123456789ABCDEF01234567"), MODIFIED, "debian", null, null, null);
    return new Image(image.name(), image.type(), image.path(), image.readOnly(), image.hidden(), image.vendor(),
        image.created(), image.modified(), image.usage(), Map.of(), origin);
  }

  static Image rawWithoutTimes(String name) {
    return new Image(name, ImageType.RAW, Path.of("/var/lib/machines", name + ".raw"), true, false, false, null,
        null, Usage.unknown(MODIFIED), Map.of());
  }
}
