package io.jimg.cli;

import io.jimg.images.CleanReport;
import io.jimg.images.Image;
import io.jimg.images.Origin;
import io.jimg.images.Usage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Images for people: the table of {@code list} and the key/value view of {@code show}, as machinectl prints them. */
final class ImageText {
  private static final String[] HEADER = {"NAME", "TYPE", "RO", "USAGE", "CREATED", "MODIFIED"};
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss zzz", Locale.ROOT);

  private final ZoneId zone;

  ImageText(ZoneId zone) {
    this.zone = zone;
  }

  /** An aligned table, one image a line; the legend (header and count) unless {@code legend} is false. */
  String table(List<Image> images, boolean legend) {
    if (images.isEmpty()) {
      return legend ? "No images.\n" : "";
    }
    List<String[]> rows = new ArrayList<>();
    if (legend) {
      rows.add(HEADER);
    }
    for (Image image : images) {
      Usage usage = image.usage();
      rows.add(new String[] {
          Text.printable(image.name()),
          image.type().label(),
          image.readOnly() ? "yes" : "no",
          usage == null ? "-" : Sizes.format(usage.bytes()),
          time(image.created()),
          time(image.modified())});
    }
    StringBuilder out = new StringBuilder(Text.align(rows));
    if (legend) {
      out.append('\n').append(images.size()).append(images.size() == 1 ? " image" : " images").append(" listed.\n");
    }
    return out.toString();
  }

  /** One image's properties, a line each, keys right-aligned. */
  String details(Image image) {
    Usage usage = image.usage();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Name:", Text.printable(image.name())});
    rows.add(new String[] {"Type:", image.type().label()});
    rows.add(new String[] {"Path:", image.path() == null ? "-" : Text.printable(image.path().toString())});
    rows.add(new String[] {"Read-only:", image.readOnly() ? "yes" : "no"});
    rows.add(new String[] {"Hidden:", image.hidden() ? "yes" : "no"});
    if (image.vendor()) {
      rows.add(new String[] {"Vendor:", "yes"});
    }
    rows.add(new String[] {"Created:", time(image.created())});
    rows.add(new String[] {"Modified:", time(image.modified())});
    if (usage != null) {
      boolean stale = !usage.exact() && usage.bytes() >= 0;
      rows.add(new String[] {"Usage:", pair(usage.bytes(), usage.exclusiveBytes()) + (stale ? " (not exact)" : "")});
      rows.add(new String[] {"Limit:", pair(usage.limit(), usage.exclusiveLimit())});
    }
    String os = image.osRelease() == null ? null : image.osRelease().get("PRETTY_NAME");
    if (os == null && image.osRelease() != null) {
      os = image.osRelease().get("NAME");
    }
    if (os != null) {
      rows.add(new String[] {"OS:", Text.printable(os)});
    }
    origin(image.origin(), rows);
    StringBuilder out = new StringBuilder();
    int width = 0;
    for (String[] row : rows) {
      width = Math.max(width, row[0].length());
    }
    for (String[] row : rows) {
      out.append(" ".repeat(width - row[0].length())).append(row[0]).append(' ').append(row[1]).append('\n');
    }
    return out.toString();
  }

  /** Where the image came from, a line a fact under one {@code Origin:} key; nothing where none was recorded. */
  private void origin(Origin origin, List<String[]> rows) {
    if (origin == null) {
      return;
    }
    List<String> lines = new ArrayList<>();
    if (origin.kind() != null || origin.source() != null) {
      lines.add((origin.kind() == null ? "?" : origin.kind()) + (origin.source() == null ? "" : " " + origin.source()));
    }
    if (origin.sha256() != null) {
      lines.add("sha256 " + origin.sha256());
    }
    if (origin.sourceSize() != null || origin.sourceModified() != null) {
      lines.add("size " + (origin.sourceSize() == null ? "n/a" : Sizes.format(origin.sourceSize()))
          + ", modified " + time(origin.sourceModified()));
    }
    if (origin.verified() != null) {
      lines.add("verified: " + origin.verified()
          + (origin.signedBy().isEmpty() ? "" : ", signed by " + String.join(", ", origin.signedBy())));
    }
    if (origin.clonedFrom() != null) {
      lines.add("cloned from " + origin.clonedFrom());
    }
    if (origin.provisionedFrom() != null) {
      lines.add("provisioned from " + origin.provisionedFrom());
    }
    lines.add("recorded " + time(origin.time()));
    for (int i = 0; i < lines.size(); i++) {
      rows.add(new String[] {i == 0 ? "Origin:" : "", Text.printable(lines.get(i))});
    }
  }

  static String cleanSummary(CleanReport report) {
    StringBuilder out = new StringBuilder();
    out.append("Removed ").append(count(report.removed().size()));
    if (!report.removed().isEmpty()) {
      out.append(": ").append(Text.printable(String.join(", ", report.removed())));
    }
    out.append(".\n");
    if (!report.skippedBusy().isEmpty()) {
      out.append("Skipped ").append(count(report.skippedBusy().size())).append(" in use: ")
          .append(Text.printable(String.join(", ", report.skippedBusy()))).append(".\n");
    }
    return out.toString();
  }

  private static String count(int images) {
    return images + (images == 1 ? " image" : " images");
  }

  private static String pair(long total, long exclusive) {
    String text = Sizes.format(total);
    return exclusive < 0 ? text : text + " (exclusive: " + Sizes.format(exclusive) + ")";
  }

  private String time(Instant instant) {
    return instant == null ? "n/a" : TIME.format(instant.atZone(zone));
  }
}
