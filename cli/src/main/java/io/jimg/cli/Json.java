package io.jimg.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer for the few documents the CLI prints; written here because a JSON library would
 * cost more start-up time than the whole output is worth. Output is pretty-printed with two-space indents.
 * Strings are escaped per RFC 8259: quotes, backslashes and every control character; anything else (non-BMP
 * characters as their surrogate pairs included) passes through as UTF-16, which the output stream encodes.
 * A lone surrogate cannot be encoded as UTF-8, so it is written as a {@code \\u} escape.
 */
final class Json {
  private final StringBuilder out = new StringBuilder();
  /** Per open container: true while it has no member yet. */
  private final Deque<Boolean> empty = new ArrayDeque<>();
  private boolean afterName;

  Json beginObject() {
    return open('{');
  }

  Json endObject() {
    return close('}');
  }

  Json beginArray() {
    return open('[');
  }

  Json endArray() {
    return close(']');
  }

  /** The name of the next member of the current object. */
  Json name(String name) {
    if (empty.isEmpty()) {
      throw new IllegalStateException("a name outside an object: " + name);
    }
    separate();
    string(name);
    out.append(": ");
    afterName = true;
    return this;
  }

  Json value(String value) {
    if (value == null) {
      return nullValue();
    }
    separate();
    string(value);
    return this;
  }

  Json value(boolean value) {
    separate();
    out.append(value);
    return this;
  }

  Json value(long value) {
    separate();
    out.append(value);
    return this;
  }

  Json nullValue() {
    separate();
    out.append("null");
    return this;
  }

  /** The finished document, with a final newline. */
  @Override
  public String toString() {
    if (!empty.isEmpty()) {
      throw new IllegalStateException(empty.size() + " containers still open");
    }
    return out + "\n";
  }

  private Json open(char bracket) {
    separate();
    out.append(bracket);
    empty.push(true);
    return this;
  }

  private Json close(char bracket) {
    if (empty.isEmpty()) {
      throw new IllegalStateException("nothing open to close with " + bracket);
    }
    if (!empty.pop()) {
      newline();
    }
    out.append(bracket);
    return this;
  }

  /** Places what comes next: after a name on the same line, else on a fresh line after a comma if needed. */
  private void separate() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (empty.isEmpty()) {
      if (out.length() > 0) {
        throw new IllegalStateException("a JSON document holds one value");
      }
      return;
    }
    if (!empty.pop()) {
      out.append(',');
    }
    empty.push(false);
    newline();
  }

  private void newline() {
    out.append('\n');
    for (int i = 0; i < empty.size(); i++) {
      out.append("  ");
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            unicodeEscape(c);
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicodeEscape(c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private void unicodeEscape(char c) {
    out.append("\\u");
    String hex = Integer.toHexString(c);
    for (int pad = hex.length(); pad < 4; pad++) {
      out.append('0');
    }
    out.append(hex);
  }
}
