package io.jimg.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jimg.images.CleanReport;
import io.jimg.images.Image;
import io.jimg.images.Origin;
import io.jimg.images.Usage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Images as JSON: sizes in bytes and times in ISO-8601, null where unknown. The keys are documented in README.md. */
final class ImageJson {
  private ImageJson() {}

  static String array(List<Image> images) {
    return Json.write(json -> {
      json.writeStartArray();
      for (Image image : images) {
        image(json, image, false);
      }
      json.writeEndArray();
    });
  }

  /** One image with its os-release, as {@code show} prints it. */
  static String object(Image image) {
    return Json.write(json -> image(json, image, true));
  }

  static String cleanReport(CleanReport report) {
    return Json.write(json -> {
      json.writeStartObject();
      strings(json, "removed", report.removed());
      strings(json, "skippedBusy", report.skippedBusy());
      json.writeEndObject();
    });
  }

  private static void image(JsonGenerator json, Image image, boolean withOsRelease) throws IOException {
    Usage usage = image.usage();
    json.writeStartObject();
    json.writeStringField("name", image.name());
    json.writeStringField("type", image.type() == null ? null : image.type().label());
    json.writeStringField("path", image.path() == null ? null : image.path().toString());
    json.writeBooleanField("readOnly", image.readOnly());
    json.writeBooleanField("hidden", image.hidden());
    time(json, "created", image.created());
    time(json, "modified", image.modified());
    bytes(json, "usage", usage == null ? Usage.UNKNOWN : usage.bytes());
    bytes(json, "usageExclusive", usage == null ? Usage.UNKNOWN : usage.exclusiveBytes());
    bytes(json, "limit", usage == null ? Usage.UNKNOWN : usage.limit());
    bytes(json, "limitExclusive", usage == null ? Usage.UNKNOWN : usage.exclusiveLimit());
    // Whether the usage figures are exact: false where unknown, stale or counted by simple quotas.
    json.writeBooleanField("usageExact", usage != null && usage.exact() && usage.bytes() >= 0);
    origin(json, image.origin());
    if (withOsRelease) {
      json.writeObjectFieldStart("osRelease");
      Map<String, String> osRelease = image.osRelease() == null ? Map.of() : image.osRelease();
      for (Map.Entry<String, String> entry : osRelease.entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  /** Where the image came from, every key present (null where unknown); null where jimg recorded nothing. */
  private static void origin(JsonGenerator json, Origin origin) throws IOException {
    if (origin == null) {
      json.writeNullField("origin");
      return;
    }
    json.writeObjectFieldStart("origin");
    json.writeStringField("kind", origin.kind());
    json.writeStringField("source", origin.source());
    json.writeStringField("sha256", origin.sha256());
    bytes(json, "sourceSize", origin.sourceSize() == null ? -1 : origin.sourceSize());
    time(json, "sourceModified", origin.sourceModified());
    json.writeStringField("verified", origin.verified());
    strings(json, "signedBy", origin.signedBy());
    time(json, "time", origin.time());
    json.writeStringField("clonedFrom", origin.clonedFrom());
    json.writeStringField("provisionedFrom", origin.provisionedFrom());
    json.writeEndObject();
  }

  private static void time(JsonGenerator json, String name, Instant time) throws IOException {
    json.writeStringField(name, time == null ? null : time.toString());
  }

  private static void bytes(JsonGenerator json, String name, long bytes) throws IOException {
    if (bytes < 0) {
      json.writeNullField(name);
    } else {
      json.writeNumberField(name, bytes);
    }
  }

  private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
    json.writeArrayFieldStart(name);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }
}
