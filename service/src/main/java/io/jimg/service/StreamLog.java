package io.jimg.service;

import java.io.PrintWriter;

/** Log lines on a stream the caller gives (standard error), prefixed with their priority as sd-daemon reads it. */
final class StreamLog implements ServiceLog {
  private final PrintWriter out;

  StreamLog(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void log(Priority priority, String line) {
    out.println("<" + priority.syslog + ">" + ServiceLog.oneLine(line));
    out.flush();
  }
}
