package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.CleanReport;
import io.jimg.images.Image;
import io.jimg.images.Usage;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageTextTest {
  private final ImageText text = new ImageText(ZoneId.of("UTC"));

  @Test
  void tableAlignsColumnsWithHumanSizesAndALegend() {
    String table = text.table(List.of(Images.subvolume("debian"), Images.rawWithoutTimes("fedora-minimal")), true);
    assertEquals(""
        + "NAME           TYPE      RO  USAGE  CREATED                     MODIFIED\n"
        + "debian         subvolume no  178.2M Sat 2026-11-28 09:15:30 UTC Sun 2026-11-29 05:00:00 UTC\n"
        + "fedora-minimal raw       yes -      n/a                         n/a\n"
        + "\n"
        + "2 images listed.\n", table);
  }

  @Test
  void tableWithoutLegendHasOnlyTheRows() {
    assertEquals("debian subvolume no 178.2M Sat 2026-11-28 09:15:30 UTC Sun 2026-11-29 05:00:00 UTC\n",
        text.table(List.of(Images.subvolume("debian")), false));
  }

  @Test
  void emptyTableSaysSoUnlessQuiet() {
    assertEquals("No images.\n", text.table(List.of(), true));
    assertEquals("", text.table(List.of(), false));
  }

  @Test
  void tableShowsControlCharactersInNamesEscaped() {
    String table = text.table(List.of(Images.subvolume("evil\u001b[2J")), false);
    assertEquals("evil\\x1b[2J subvolume", table.substring(0, 21));
  }

  @Test
  void timesFollowTheZone() {
    String table = new ImageText(ZoneId.of("Europe/Berlin")).table(List.of(Images.subvolume("debian")), false);
    assertEquals("debian subvolume no 178.2M Sat 2026-11-28 10:15:30 CET Sun 2026-11-29 06:00:00 CET\n", table);
  }

  @Test
  void detailsListPropertiesWithRightAlignedKeys() {
    assertEquals(""
        + "     Name: debian\n"
        + "     Type: subvolume\n"
        + "     Path: /var/lib/machines/debian\n"
        + "Read-only: no\n"
        + "   Hidden: no\n"
        + "  Created: Sat 2026-11-28 09:15:30 UTC\n"
        + " Modified: Sun 2026-11-29 05:00:00 UTC\n"
        + "    Usage: 178.2M (exclusive: 12.0K)\n"
        + "    Limit: 20.0G\n"
        + "       OS: Debian GNU/Linux 12 (bookworm)\n", text.details(Images.subvolume("debian")));
  }

  @Test
  void detailsEndWithWhereTheImageCameFrom() {
    String details = text.details(Images.pulledClone("copy"));
    assertEquals(""
        + "    Usage: 178.2M (exclusive: 12.0K)\n"
        + "    Limit: 20.0G\n"
        + "   Origin: pull-tar https://example.org/debian.tar.xz\n"
        + "           sha256 " + "ab".repeat(32) + "\n"
        + "           verified: signature, signed by 0123456789ABCDEF0123456789ABCDEF01234567\n"
        + "           cloned from debian\n"
        + "           recorded Sun 2026-11-29 05:00:00 UTC\n",
        details.substring(details.indexOf("    Usage")));
  }

  @Test
  void anOriginWithControlCharactersIsShownEscaped() {
    Image image = Images.subvolume("odd");
    Image odd = new Image(image.name(), image.type(), image.path(), false, false, false, null, null, null, Map.of(),
        new io.jimg.images.Origin(null, "/srv/a\u001b[2Jb", null, null, List.of(), null, "x\ny", null, null, null));
    String details = text.details(odd);
    assertTrue(details.endsWith("   Origin: ? /srv/a\\x1b[2Jb\n           cloned from x\\x0ay\n           recorded n/a\n"),
        details);
  }

  @Test
  void detailsMarkUnknownValues() {
    assertEquals(""
        + "     Name: fedora\n"
        + "     Type: raw\n"
        + "     Path: /var/lib/machines/fedora.raw\n"
        + "Read-only: yes\n"
        + "   Hidden: no\n"
        + "  Created: n/a\n"
        + " Modified: n/a\n"
        + "    Usage: -\n"
        + "    Limit: -\n", text.details(Images.rawWithoutTimes("fedora")));
  }

  @Test
  void detailsMarkUsageTheFilesystemReportsAsStale() {
    Image image = Images.subvolume("debian");
    Usage usage = image.usage();
    Image stale = new Image(image.name(), image.type(), image.path(), image.readOnly(), image.hidden(), image.vendor(),
        image.created(), image.modified(),
        new Usage(usage.bytes(), usage.exclusiveBytes(), usage.limit(), usage.exclusiveLimit(), false, usage.measuredAt()),
        image.osRelease());
    assertTrue(text.details(stale).contains("    Usage: 178.2M (exclusive: 12.0K) (not exact)\n"), text.details(stale));
  }

  @Test
  void cleanSummaryNamesRemovedAndBusyImages() {
    assertEquals("Removed 2 images: .a, .b.\nSkipped 1 image in use: .c.\n",
        ImageText.cleanSummary(new CleanReport(List.of(".a", ".b"), List.of(".c"))));
    assertEquals("Removed 0 images.\n", ImageText.cleanSummary(new CleanReport(List.of(), List.of())));
  }
}
