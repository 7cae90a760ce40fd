package io.jimg.cli;

import io.jimg.images.CleanReport;
import io.jimg.images.Image;
import io.jimg.images.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Images as JSON: sizes in bytes and times in ISO-8601, null where unknown. The keys are documented in README.md. */
final class ImageJson {
  private ImageJson() {}

  static String array(List<Image> images) {
    Json json = new Json().beginArray();
    for (Image image : images) {
      image(json, image, false);
    }
    return json.endArray().toString();
  }

  /** One image with its os-release, as {@code show} prints it. */
  static String object(Image image) {
    Json json = new Json();
    image(json, image, true);
    return json.toString();
  }

  static String cleanReport(CleanReport report) {
    Json json = new Json().beginObject();
    strings(json.name("removed"), report.removed());
    strings(json.name("skippedBusy"), report.skippedBusy());
    return json.endObject().toString();
  }

  private static void image(Json json, Image image, boolean withOsRelease) {
    Usage usage = image.usage();
    json.beginObject()
        .name("name").value(image.name())
        .name("type").value(image.type() == null ? null : image.type().label())
        .name("path").value(image.path() == null ? null : image.path().toString())
        .name("readOnly").value(image.readOnly())
        .name("hidden").value(image.hidden());
    time(json.name("created"), image.created());
    time(json.name("modified"), image.modified());
    bytes(json.name("usage"), usage == null ? Usage.UNKNOWN : usage.bytes());
    bytes(json.name("usageExclusive"), usage == null ? Usage.UNKNOWN : usage.exclusiveBytes());
    bytes(json.name("limit"), usage == null ? Usage.UNKNOWN : usage.limit());
    bytes(json.name("limitExclusive"), usage == null ? Usage.UNKNOWN : usage.exclusiveLimit());
    if (withOsRelease) {
      json.name("osRelease").beginObject();
      Map<String, String> osRelease = image.osRelease() == null ? Map.of() : image.osRelease();
      for (Map.Entry<String, String> entry : osRelease.entrySet()) {
        json.name(entry.getKey()).value(entry.getValue());
      }
      json.endObject();
    }
    json.endObject();
  }

  private static void time(Json json, Instant time) {
    json.value(time == null ? null : time.toString());
  }

  private static void bytes(Json json, long bytes) {
    if (bytes < 0) {
      json.nullValue();
    } else {
      json.value(bytes);
    }
  }

  private static void strings(Json json, List<String> values) {
    json.beginArray();
    for (String value : values) {
      json.value(value);
    }
    json.endArray();
  }
}
