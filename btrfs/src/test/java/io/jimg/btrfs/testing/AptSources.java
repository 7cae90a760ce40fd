package io.jimg.btrfs.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Finds the mirror that serves a Debian suite in apt's source files, both formats. */
final class AptSources {
  private AptSources() {}

  /** One-line format: {@code deb [options] URI SUITE COMPONENT...}. */
  static String fromOneLine(String text, String suite) {
    for (String raw : text.split("\n")) {
      String line = raw.replaceAll("#.*", "").trim();
      if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
        continue;
      }
      line = line.substring(3).trim();
      if (line.startsWith("[")) {
        int end = line.indexOf(']');
        if (end < 0) {
          continue;
        }
        line = line.substring(end + 1).trim();
      }
      String[] fields = line.split("\\s+");
      if (fields.length >= 2 && fields[1].equals(suite)) {
        return fields[0];
      }
    }
    return null;
  }

  /** deb822 format: stanzas of {@code Types:}, {@code URIs:}, {@code Suites:} fields, separated by blank lines. */
  static String fromDeb822(String text, String suite) {
    for (String stanza : text.split("\n\\s*\n")) {
      List<String> types = List.of();
      List<String> uris = List.of();
      List<String> suites = List.of();
      boolean enabled = true;
      for (String raw : stanza.split("\n")) {
        String line = raw.trim();
        if (line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        List<String> values = Arrays.asList(line.substring(colon + 1).trim().split("\\s+"));
        switch (key) {
          case "types": types = values; break;
          case "uris": uris = values; break;
          case "suites": suites = values; break;
          case "enabled": enabled = !values.get(0).equalsIgnoreCase("no"); break;
          default: break;
        }
      }
      if (enabled && types.contains("deb") && suites.contains(suite) && !uris.isEmpty()) {
        return uris.get(0);
      }
    }
    return null;
  }
}
