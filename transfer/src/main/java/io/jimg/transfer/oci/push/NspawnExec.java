package io.jimg.transfer.oci.push;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code [Exec]} settings of an image's {@code NAME.nspawn} that an OCI config carries back: what runs
 * ({@code Parameters=}), {@code Environment=}, {@code User=} and {@code WorkingDirectory=}, read as systemd reads
 * them (the last assignment of a single value wins, an empty one resets a list, words split and unquoted as
 * systemd's extract_first_word does). {@code Boot=yes} means the image boots an init: no command then.
 */
record NspawnExec(List<String> parameters, List<String> environment, String user, String workingDirectory,
    boolean boot) {
  /** Settings files larger than this are no settings jimg wrote or a person would; refused, not read. */
  static final int SIZE_MAX = 64 * 1024;
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
    String text = new String(content, StandardCharsets.UTF_8);
    for (String raw : joinedLines(text)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1);
        continue;
      }
      int equals = line.indexOf('=');
      if (!"Exec".equals(section) || equals < 0) {
        continue;
      }
      String key = line.substring(0, equals).strip();
      String value = line.substring(equals + 1).strip();
      switch (key) {
        case "Parameters" -> {
          parameters.clear();
          parameters.addAll(words(value, what));
        }
        case "Environment" -> {
          if (value.isEmpty()) {
            environment.clear();
          } else {
            environment.addAll(words(value, what));
          }
        }
        case "User" -> user = value.isEmpty() ? null : value;
        case "WorkingDirectory" -> workingDirectory = value.isEmpty() ? null : value;
        case "Boot" -> boot = isTrue(value);
        default -> { }
      }
    }
    return new NspawnExec(List.copyOf(parameters), List.copyOf(environment), user, workingDirectory, boot);
  }

  private static boolean isTrue(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "1", "yes", "y", "true", "t", "on" -> true;
      default -> false;
    };
  }

  /** Lines, a backslash at a line's end continuing it on the next, as systemd's unit files are read. */
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

  /** Words separated by blanks; single and double quotes group, a backslash escapes the next character. */
  static List<String> words(String value, String what) throws JimgException {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        if (++i == value.length()) {
          throw invalid(what, "a backslash ends " + value);
        }
        word = word == null ? new StringBuilder() : word;
        word.append(escaped(value.charAt(i)));
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (c == ' ' || c == '\t') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw invalid(what, "an unclosed quote in " + value);
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static char escaped(char c) {
    return switch (c) {
      case 'n' -> '\n';
      case 't' -> '\t';
      default -> c;
    };
  }

  private static JimgException invalid(String what, String detail) {
    return new JimgException(Reason.FAILED, "cannot read " + what + ": " + detail);
  }
}
