package io.jimg.transfer.oci.layer;

import static io.jimg.images.ExecSettings.BOOT;
import static io.jimg.images.ExecSettings.ENVIRONMENT;
import static io.jimg.images.ExecSettings.EXEC;
import static io.jimg.images.ExecSettings.FILE_MAX;
import static io.jimg.images.ExecSettings.LIST_MAX;
import static io.jimg.images.ExecSettings.PARAMETERS;
import static io.jimg.images.ExecSettings.USER;
import static io.jimg.images.ExecSettings.WORKING_DIRECTORY;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code NAME.nspawn} settings an OCI image's config stands for, as systemd 260's {@code importctl pull-oci}
 * writes them: {@code [Exec]} with {@code Boot=no}, {@code User=} (unless root), {@code WorkingDirectory=}
 * (unless {@code /}), one {@code Environment=} line per variable, and {@code Parameters=} with Entrypoint then
 * Cmd. nspawn reads {@code Parameters=} and {@code Environment=} as words: whitespace separates them, quotes group
 * them, and a backslash is kept as it is. So a word of plain characters is written bare, any other in double
 * quotes, with each {@code "} in single quotes beside them ({@code "a"'"'"b"} is {@code a"b}); systemd 260 puts a
 * backslash before such a quote, which its own reader keeps, so this writer differs from it there and is read back
 * exactly. A config can never add a line or a section: control characters (newlines, NUL) are refused, as are
 * values past the sizes below.
 */
public final class NspawnSettings {
  /** The most bytes of one line of settings; nspawn's reader takes lines of up to 1 MiB. */
  public static final int LINE_MAX = 256 << 10;

  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9=+\\-_/;.:,]+");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

  private NspawnSettings() {}

  /**
   * The settings file's text for a config's Entrypoint, Cmd, Env, User and WorkingDir (each may be null or
   * empty); FAILED where a value could not be written faithfully and safely.
   */
  public static String of(List<String> entrypoint, List<String> cmd, List<String> env, String user,
      String workingDir) throws JimgException {
    StringBuilder text = new StringBuilder("# Generated from OCI configuration object\n[" + EXEC + "]\n" + BOOT
        + "=no\n");
    if (user != null && !user.isEmpty() && !user.equals("root") && !user.equals("0")) {
      requirePlain("User", user);
      line(text, USER + "=" + user);
    }
    if (workingDir != null && !workingDir.isEmpty() && !workingDir.equals("/")) {
      requirePlain("WorkingDir", workingDir);
      if (!workingDir.startsWith("/")) {
        throw refuse("its WorkingDir is no absolute path");
      }
      line(text, WORKING_DIRECTORY + "=" + workingDir);
    }
    for (String variable : list("Env", env)) {
      requireNoControl("Env", variable);
      if (!VARIABLE.matcher(variable).matches()) {
        throw refuse("its Env holds '" + shown(variable) + "', which is no NAME=VALUE assignment");
      }
      line(text, ENVIRONMENT + "=" + word(variable));
    }
    List<String> arguments = new ArrayList<>(list("Entrypoint", entrypoint));
    arguments.addAll(list("Cmd", cmd));
    if (arguments.size() > LIST_MAX) {
      throw refuse("its Entrypoint and Cmd have more than " + LIST_MAX + " arguments");
    }
    if (!arguments.isEmpty()) {
      List<String> words = new ArrayList<>();
      for (String argument : arguments) {
        requireNoControl("Entrypoint or Cmd", argument);
        words.add(word(argument));
      }
      line(text, PARAMETERS + "=" + String.join(" ", words));
    }
    if (text.length() > FILE_MAX) {
      throw refuse("its settings would take more than " + (FILE_MAX >> 10) + " KiB");
    }
    return text.toString();
  }

  /** As {@link #of}, the file's bytes (UTF-8). */
  public static byte[] bytes(List<String> entrypoint, List<String> cmd, List<String> env, String user,
      String workingDir) throws JimgException {
    return of(entrypoint, cmd, env, user, workingDir).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One word as nspawn's reader ({@link io.jimg.images.ExecSettings#words}) takes it back: bare, or double-quoted
   * with its {@code "} single-quoted.
   */
  static String word(String value) {
    if (!value.isEmpty() && BARE.matcher(value).matches()) {
      return value;
    }
    StringBuilder quoted = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      quoted.append(c == '"' ? "\"'\"'\"" : String.valueOf(c));
    }
    return quoted.append('"').toString();
  }

  private static List<String> list(String field, List<String> values) throws JimgException {
    if (values == null) {
      return List.of();
    }
    if (values.size() > LIST_MAX) {
      throw refuse("its " + field + " has more than " + LIST_MAX + " entries");
    }
    for (String value : values) {
      if (value == null) {
        throw refuse("its " + field + " holds a null");
      }
    }
    return values;
  }

  /** A value written as the rest of its line (nspawn trims it): no control characters, no edge whitespace. */
  private static void requirePlain(String field, String value) throws JimgException {
    requireNoControl(field, value);
    if (!value.equals(value.strip())) {
      throw refuse("its " + field + " '" + shown(value) + "' begins or ends with whitespace");
    }
  }

  private static void requireNoControl(String field, String value) throws JimgException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogate(value, i)) {
        throw refuse("its " + field + " holds a control character or broken text ('" + shown(value) + "')");
      }
    }
  }

  private static boolean validSurrogate(String value, int i) {
    return Character.isHighSurrogate(value.charAt(i)) ? i + 1 < value.length()
        && Character.isLowSurrogate(value.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
  }

  private static void line(StringBuilder text, String line) throws JimgException {
    if (line.getBytes(StandardCharsets.UTF_8).length > LINE_MAX) {
      throw refuse("its settings line '" + shown(line) + "' is longer than " + (LINE_MAX >> 10) + " KiB");
    }
    text.append(line).append('\n');
  }

  private static String shown(String value) {
    String cut = value.length() > 60 ? value.substring(0, 60) + "…" : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static JimgException refuse(String why) {
    return new JimgException(Reason.FAILED, "cannot turn the image's config into nspawn settings: " + why);
  }
}
