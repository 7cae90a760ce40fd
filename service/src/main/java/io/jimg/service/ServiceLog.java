package io.jimg.service;

import io.jimg.btrfs.NativeException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the service reports its events, one line each: connections refused or closed and why, handlers that
 * failed. The service never prints; its caller chooses the log, usually {@link #standard}.
 */
public interface ServiceLog {
  /** How much an event matters, as syslog priorities. */
  enum Priority {
    ERROR(3), WARNING(4), INFO(6), DEBUG(7);

    final int syslog;

    Priority(int syslog) {
      this.syslog = syslog;
    }
  }

  void log(Priority priority, String line);

  /**
   * The journal's native socket where {@code JOURNAL_STREAM} says the service's output goes to the journal (as
   * systemd sets it for a unit), lines on {@code stderr} otherwise, or where the journal cannot be reached.
   */
  static ServiceLog standard(PrintStream stderr, Map<String, String> environment) {
    return standard(new PrintWriter(stderr, true), environment);
  }

  /** As above, on a writer (the command's standard error). */
  static ServiceLog standard(PrintWriter stderr, Map<String, String> environment) {
    ServiceLog lines = new StreamLog(stderr);
    if (environment.get("JOURNAL_STREAM") == null) {
      return lines;
    }
    try {
      return new JournalLog(Path.of(JournalLog.SOCKET), "jimg", lines);
    } catch (NativeException e) {
      lines.log(Priority.WARNING, "the journal's socket cannot be reached (" + e.getMessage()
          + "); logging to standard error");
      return lines;
    }
  }

  /** The longest line logged, in characters; a client's name in it cannot make it longer. */
  int MAX_LINE = 2000;

  /** One line, whatever the text held: control characters (a newline a client put in a name) escaped. */
  static String oneLine(String text) {
    StringBuilder line = new StringBuilder(Math.min(text.length(), MAX_LINE));
    for (int i = 0; i < text.length() && line.length() < MAX_LINE; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        line.append(String.format("\\x%02x", (int) c));
      } else {
        line.append(c);
      }
    }
    return line.toString();
  }
}
