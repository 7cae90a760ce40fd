package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.images.CleanReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageJsonTest {
  @Test
  void showPrintsEveryKeyWithBytesIsoTimesAndOsRelease() {
    String json = ImageJson.object(Images.subvolume("debian"));
    assertEquals("{\n"
        + "  \"name\": \"debian\",\n"
        + "  \"type\": \"subvolume\",\n"
        + "  \"path\": \"/var/lib/machines/debian\",\n"
        + "  \"readOnly\": false,\n"
        + "  \"hidden\": false,\n"
        + "  \"created\": \"2026-11-28T09:15:30.123456789Z\",\n"
        + "  \"modified\": \"2026-11-29T05:00:00Z\",\n"
        + "  \"usage\": 186960896,\n"
        + "  \"usageExclusive\": 12288,\n"
        + "  \"limit\": 21474836480,\n"
        + "  \"limitExclusive\": null,\n"
        + "  \"usageExact\": true,\n"
        + "  \"origin\": null,\n"
        + "  \"osRelease\": {\n", json.substring(0, json.indexOf("{\n", 2) + 2));
    assertEquals(true, json.contains("    \"PRETTY_NAME\": \"Debian GNU/Linux 12 (bookworm)\""), json);
    assertEquals(true, json.contains("    \"ID\": \"debian\""), json);
  }

  @Test
  void theOriginIsAnObjectWithEveryKeyInListAndShow() {
    String origin = "\"origin\": {\n"
        + "      \"kind\": \"pull-tar\",\n"
        + "      \"source\": \"https://example.org/debian.tar.xz\",\n"
        + "      \"sha256\": \"" + "ab".repeat(32) + "\",\n"
        + "      \"sourceSize\": null,\n"
        + "      \"sourceModified\": null,\n"
        + "      \"verified\": \"signature\",\n"
        + "      \"signedBy\": [\n"
        + "        \"0123456789ABCDEF0123456789ABCDEF01234567\"\n"
        + "      ],\n"
        + "      \"time\": \"2026-11-29T05:00:00Z\",\n"
        + "      \"clonedFrom\": \"debian\",\n"
        + "      \"provisionedFrom\": null\n"
        + "    }";
    String list = ImageJson.array(List.of(Images.pulledClone("copy")));
    assertEquals(true, list.contains("    " + origin + "\n  }\n]"), list);
    String show = ImageJson.object(Images.pulledClone("copy"));
    assertEquals(true, show.contains("  " + origin.replace("\n  ", "\n") + ",\n  \"osRelease\""), show);
  }

  @Test
  void unknownSizesAndTimesAreNull() {
    String json = ImageJson.object(Images.rawWithoutTimes("fedora"));
    for (String key : List.of("created", "modified", "usage", "usageExclusive", "limit", "limitExclusive")) {
      assertEquals(true, json.contains("\"" + key + "\": null"), key + " in " + json);
    }
    assertEquals(true, json.contains("\"osRelease\": {}"), json);
  }

  @Test
  void listPrintsAnArrayWithoutOsRelease() {
    String json = ImageJson.array(List.of(Images.subvolume("a"), Images.subvolume(".b")));
    assertEquals(true, json.startsWith("[\n  {\n    \"name\": \"a\","), json);
    assertEquals(true, json.contains("    \"name\": \".b\",\n    \"type\": \"subvolume\""), json);
    assertEquals(true, json.contains("\"hidden\": true"), json);
    assertEquals(false, json.contains("osRelease"), json);
    assertEquals("[]\n", ImageJson.array(List.of()));
  }

  @Test
  void cleanReportListsRemovedAndBusy() {
    assertEquals("{\n  \"removed\": [\n    \".a\"\n  ],\n  \"skippedBusy\": []\n}\n",
        ImageJson.cleanReport(new CleanReport(List.of(".a"), List.of())));
  }
}
