package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.images.JimgException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code [Exec]} settings of an image's {@code NAME.nspawn} that say what runs in it ({@code Boot=},
 * {@code Parameters=}, {@code Environment=}, {@code User=}, {@code WorkingDirectory=}), read as systemd-nspawn
 * reads them: the last assignment of a single value wins, list lines add to the list and an empty one empties it,
 * words split as systemd's extract_first_word splits them for nspawn (blanks separate, quotes group, a backslash
 * is kept as it is), and a backslash at a line's end continues it. {@code boot} is null where no {@code Boot=}
 * line that systemd reads as a boolean says. One reader for every module: the runner asks whether an image boots,
 * the push turns the settings back into an OCI config.
 */
public record ExecSettings(List<String> parameters, List<String> environment, String user, String workingDirectory,
    Boolean boot) {
  /** The section and the keys read here, and written where an OCI config becomes settings. */
  public static final String EXEC = "Exec";
  public static final String BOOT = "Boot";
  public static final String USER = "User";
  public static final String WORKING_DIRECTORY = "WorkingDirectory";
  public static final String ENVIRONMENT = "Environment";
  public static final String PARAMETERS = "Parameters";
  /** The most arguments or variables a list holds. */
  public static final int LIST_MAX = 4096;
  /** The most bytes of a settings file jimg reads or writes. */
  public static final int FILE_MAX = 1 << 20;
  /** No settings file, or one without an {@code [Exec]} section. */
  public static final ExecSettings NONE = new ExecSettings(List.of(), List.of(), null, null, null);

  public ExecSettings {
    parameters = List.copyOf(parameters);
    environment = List.copyOf(environment);
  }

  /** Whether a {@code Boot=} line says no: nspawn, given no start mode of its own, then runs the parameters. */
  public boolean saysNoBoot() {
    return Boolean.FALSE.equals(boot);
  }

  /**
   * The bytes of the settings file {@code file}, read through its directory's descriptor as a regular file only (a
   * device node or fifo there is never opened, a symlink never followed) and at most {@link #FILE_MAX} of them.
   */
  public static byte[] readFile(Path file) throws JimgException {
    try (Fd directory = Fd.openDirectory(file.getParent())) {
      return RegularFiles.read(directory, FileNames.bytes(file.getFileName().toString()), FILE_MAX);
    } catch (NativeException e) {
      if (e.is(Linux.EFBIG)) {
        throw new JimgException(Reason.FAILED, "settings file " + file + " is larger than 1 MiB", e);
      }
      throw new JimgException(Reason.FAILED, "cannot read settings file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code content}; {@code what} names the file in an error (an unclosed quote, an overlong list). */
  public static ExecSettings parse(byte[] content, String what) throws JimgException {
    List<String> parameters = new ArrayList<>();
    List<String> environment = new ArrayList<>();
    String user = null;
    String workingDirectory = null;
    Boolean boot = null;
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
        case BOOT -> boot = bool(value, boot);
        default -> { }
      }
    }
    return new ExecSettings(parameters, environment, user, workingDirectory, boot);
  }

  /**
   * The words of a {@code Parameters=} or {@code Environment=} value as nspawn reads them (systemd's
   * extract_first_word with EXTRACT_UNQUOTE|EXTRACT_RETAIN_ESCAPE): blanks separate, single and double quotes group
   * (an empty pair is an empty word), a backslash is kept as it is. {@code what} names the file in the error an
   * unclosed quote gives.
   */
  public static List<String> words(String value, String what) throws JimgException {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == ' ' || c == '\t' || c == '\r') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        if (c == '"' || c == '\'') {
          quote = c;
        } else {
          word.append(c);
        }
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

  /** A list line: its words added, or the list emptied where the line has none. */
  private static void addWords(List<String> list, String value, String what) throws JimgException {
    if (value.isEmpty()) {
      list.clear();
      return;
    }
    list.addAll(words(value, what));
    if (list.size() > LIST_MAX) {
      throw invalid(what, "a list of more than " + LIST_MAX + " entries");
    }
  }

  /** A boolean as systemd's parse_boolean reads it; a word it does not read leaves {@code previous}. */
  private static Boolean bool(String value, Boolean previous) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "1", "yes", "y", "true", "t", "on" -> true;
      case "0", "no", "n", "false", "f", "off" -> false;
      default -> previous;
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
