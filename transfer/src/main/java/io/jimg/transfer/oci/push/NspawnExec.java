package io.jimg.transfer.oci.push;

import static io.jimg.transfer.oci.layer.NspawnSettings.BOOT;
import static io.jimg.transfer.oci.layer.NspawnSettings.ENVIRONMENT;
import static io.jimg.transfer.oci.layer.NspawnSettings.EXEC;
import static io.jimg.transfer.oci.layer.NspawnSettings.LIST_MAX;
import static io.jimg.transfer.oci.layer.NspawnSettings.PARAMETERS;
import static io.jimg.transfer.oci.layer.NspawnSettings.USER;
import static io.jimg.transfer.oci.layer.NspawnSettings.WORKING_DIRECTORY;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.transfer.oci.layer.NspawnSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code [Exec]} settings of an image's {@code NAME.nspawn} that an OCI config carries back: what runs
 * ({@code Parameters=}), {@code Environment=}, {@code User=} and {@code WorkingDirectory=}, read as nspawn reads
 * them, so that what {@link NspawnSettings} wrote from a config comes back as that config: the last assignment of
 * a single value wins, list lines add to the list and an empty one empties it, and words split as systemd's
 * extract_first_word splits them for nspawn (blanks separate, quotes group, a backslash is kept as it is).
 * {@code Boot=yes} means the image boots an init: no command then.
 */
record NspawnExec(List<String> parameters, List<String> environment, String user, String workingDirectory,
    boolean boot) {
  static final NspawnExec NONE = new NspawnExec(List.of(), List.of(), null, null, false);

  /** The command the config gets: the parameters, unless the image boots. */
  List<String> command() {
    return boot ? List.of() : parameters;
  }

  static NspawnExec parse(byte[] content, String what) throws JimgException {
    List<String> parameters = new ArrayList<>();
    List<String> environment = new ArrayList<>();
    String user = null;
    String workingDirectory = null;
    boolean boot = false;
    String section = null;
    for (String raw : joinedLines(new String(content, StandardCharsets.UTF_8))) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1);
        continue;
      }
      int equals = line.indexOf('=');
      if (!EXEC.equals(section) || equals < 0) {
        continue;
      }
      String key = line.substring(0, equals).strip();
      String value = line.substring(equals + 1).strip();
      switch (key) {
        case PARAMETERS -> addWords(parameters, value, what);
        case ENVIRONMENT -> addWords(environment, value, what);
        case USER -> user = value.isEmpty() ? null : value;
        case WORKING_DIRECTORY -> workingDirectory = value.isEmpty() ? null : value;
        case BOOT -> boot = isTrue(value);
        default -> { }
      }
    }
    return new NspawnExec(List.copyOf(parameters), List.copyOf(environment), user, workingDirectory, boot);
  }

  /** A list line: its words added, or the list emptied where the line has none. */
  private static void addWords(List<String> list, String value, String what) throws JimgException {
    if (value.isEmpty()) {
      list.clear();
      return;
    }
    list.addAll(NspawnSettings.words(value, what));
    if (list.size() > LIST_MAX) {
      throw invalid(what, "a list of more than " + LIST_MAX + " entries");
    }
  }

  private static boolean isTrue(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "1", "yes", "y", "true", "t", "on" -> true;
      default -> false;
    };
  }

  /** Lines, a backslash at a line's end continuing it on the next (as a blank), as systemd reads its files. */
  private static List<String> joinedLines(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        lines.add(current.append(line).toString());
        current.setLength(0);
      }
    }
    return lines;
  }

  private static JimgException invalid(String what, String detail) {
    return new JimgException(Reason.FAILED, "cannot read " + what + ": " + detail);
  }
}
