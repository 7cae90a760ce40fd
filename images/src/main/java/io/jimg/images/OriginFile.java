package io.jimg.images;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.Stat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The companion {@code NAME.origin} that records an {@link Origin} beside its image in the pool, in the env-file
 * style of os-release: one {@code KEY="VALUE"} a line, quoted and escaped as os-release(5) quotes, so that
 * {@link OsRelease#parse} reads it back. A value never carries a control character: each is written as U+FFFD,
 * and one found in a file is read as U+FFFD too, for a record may come from anyone who can write to the pool.
 */
final class OriginFile {
  private OriginFile() {}

  static final String SUFFIX = ".origin";
  /** A record is a few hundred bytes; anything past this is no record of ours, and is never read whole. */
  static final int MAX_BYTES = 64 * 1024;
  /** Far beyond a path or URL, so that every record jimg writes stays readable within {@link #MAX_BYTES}. */
  private static final int VALUE_MAX = 8 * 1024;

  static byte[] fileName(String image) {
    return FileNames.bytes(image + SUFFIX);
  }

  /**
   * Writes {@code origin}, stamped with {@code now}, under a temporary of {@code work} and plans publishing it as
   * image {@code name}'s record once the image has its name. A record left under that name (by an image another
   * tool removed, or by the image a forced create replaces) is removed first, and only that very file: a directory
   * there is an image of that name, and is never touched (the new image then goes without a record). A null origin
   * plans only the removal: a new image never shows another's record.
   */
  static void publish(Origin origin, Instant now, Fd pool, Path poolPath, Work work, Intent intent, String name)
      throws NativeException {
    byte[] target = fileName(name);
    Stat left = pool.statIfExists(target);
    if (left != null && left.isRegular()) {
      intent.remove(poolPath, target, Fingerprint.of(pool, target, left));
    }
    if (origin == null) {
      return;
    }
    byte[] temporary = work.name("origin");
    Companions.write(pool, temporary, encode(origin.at(now)), 0644);
    intent.rename(poolPath, temporary, target, false, false, Fingerprint.of(pool, temporary));
  }

  /** The record beside image {@code name} in {@code pool}; null where there is none, or none that can be read. */
  static Origin read(Path pool, String name) {
    try (Fd directory = Directories.open(pool)) {
      return read(directory, name);
    } catch (NativeException e) {
      return null;
    }
  }

  /** As {@link #read(Path, String)}, through the pool's descriptor: a listing opens each pool once. */
  static Origin read(Fd pool, String name) {
    try {
      return decode(RegularFiles.read(pool, fileName(name), MAX_BYTES));
    } catch (NativeException e) {
      return null; // missing, not a regular file (a symlink is never followed), too large, or unreadable
    }
  }

  static byte[] encode(Origin origin) {
    StringBuilder text = new StringBuilder();
    line(text, "KIND", origin.kind());
    line(text, "SOURCE", origin.source());
    line(text, "SHA256", origin.sha256());
    line(text, "SOURCE_SIZE", origin.sourceSize() == null ? null : origin.sourceSize().toString());
    line(text, "SOURCE_MTIME", origin.sourceModified() == null ? null : origin.sourceModified().toString());
    line(text, "VERIFIED", origin.verified());
    line(text, "SIGNED_BY", origin.signedBy().isEmpty() ? null : String.join(" ", origin.signedBy()));
    line(text, "TIME", origin.time() == null ? null : origin.time().toString());
    line(text, "CLONED_FROM", origin.clonedFrom());
    line(text, "PROVISIONED_FROM", origin.provisionedFrom());
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void line(StringBuilder text, String key, String value) {
    if (value == null) {
      return;
    }
    text.append(key).append("=\"");
    String bounded = value.length() > VALUE_MAX ? value.substring(0, VALUE_MAX) : value;
    for (char c : clean(bounded).toCharArray()) {
      if (c == '"' || c == '\\' || c == '$' || c == '`') {
        text.append('\\');
      }
      text.append(c);
    }
    text.append("\"\n");
  }

  /** The record a file holds; null where it names none of the keys (binary, empty or someone else's file). */
  static Origin decode(byte[] content) {
    Map<String, String> values = OsRelease.parse(new String(content, StandardCharsets.UTF_8));
    String signedBy = value(values, "SIGNED_BY");
    Origin origin = new Origin(value(values, "KIND"), value(values, "SOURCE"), value(values, "SHA256"),
        value(values, "VERIFIED"), signedBy == null ? List.of() : Arrays.asList(signedBy.split(" +")),
        time(value(values, "TIME")), value(values, "CLONED_FROM"), value(values, "PROVISIONED_FROM"),
        size(value(values, "SOURCE_SIZE")), time(value(values, "SOURCE_MTIME")));
    boolean empty = origin.kind() == null && origin.source() == null && origin.sha256() == null
        && origin.verified() == null && origin.signedBy().isEmpty() && origin.time() == null
        && origin.clonedFrom() == null && origin.provisionedFrom() == null && origin.sourceSize() == null
        && origin.sourceModified() == null;
    return empty ? null : origin;
  }

  private static String value(Map<String, String> values, String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? null : clean(value.strip());
  }

  private static Long size(String text) {
    try {
      return text == null ? null : Long.valueOf(text);
    } catch (NumberFormatException e) {
      return null; // a size that is no number is shown as none
    }
  }

  private static Instant time(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null; // a time that is no time is shown as none
    }
  }

  /** {@code text} with every control character (C0, DEL, C1) replaced by U+FFFD. */
  private static String clean(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '\uFFFD' : c);
    }
    return out.toString();
  }
}
