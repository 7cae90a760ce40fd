package io.jimg.cli;

import java.util.List;

/** Plain-text helpers for terminal output. */
final class Text {
  private Text() {}

  /**
   * The text with control characters shown as {@code \xNN}, so that a name or message cannot move the cursor,
   * clear the screen or break a line of output in two.
   */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(String.format("\\x%02x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** Rows as columns padded to their widest cell, one space apart, with no trailing blanks. */
  static String align(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].codePointCount(0, row[c].length()));
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(row[c]);
        if (c + 1 < columns) {
          line.append(" ".repeat(widths[c] - row[c].codePointCount(0, row[c].length()) + 1));
        }
      }
      int end = line.length();
      while (end > 0 && line.charAt(end - 1) == ' ') {
        end--;
      }
      out.append(line, 0, end).append('\n');
    }
    return out.toString();
  }
}
