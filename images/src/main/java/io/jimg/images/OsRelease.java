package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads an image's os-release inside its root, never following a symlink out of it, and parses it. */
final class OsRelease {
  private OsRelease() {}

  private static final String[] LOCATIONS = {"etc/os-release", "usr/lib/os-release"};
  /** Compiled once: a listing parses every image's origin file with this, a hundred lines per call. */
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_BYTES = 64 * 1024;

  /** The key-value pairs, or an empty map where the image has no readable os-release. */
  static Map<String, String> read(Fd root) {
    for (String location : LOCATIONS) {
      try {
        return parse(new String(RegularFiles.readInRoot(root, location, MAX_BYTES), StandardCharsets.UTF_8));
      } catch (NativeException e) {
        // missing, no regular file, too large or unreadable here: try the next place
      }
    }
    return Map.of();
  }

  /** Parses the shell-like KEY=VALUE lines os-release(5) describes. */
  static Map<String, String> parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      int equals = line.indexOf('=');
      if (line.isEmpty() || line.startsWith("#") || equals <= 0) {
        continue;
      }
      String key = line.substring(0, equals);
      if (!KEY.matcher(key).matches()) {
        continue;
      }
      values.put(key, unquote(line.substring(equals + 1)));
    }
    return Collections.unmodifiableMap(values);
  }

  private static String unquote(String value) {
    StringBuilder out = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else if (c == '\\' && quote != '\'' && i + 1 < value.length()) {
        out.append(value.charAt(++i));
      } else if (quote == 0 && Character.isWhitespace(c)) {
        break;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
