package io.jimg.transfer.oci.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code WWW-Authenticate} challenge (RFC 7235): a scheme ({@code bearer} or {@code basic}, lower case) and
 * its parameters ({@code realm}, {@code service}, {@code scope}, {@code error}), names lower case, values
 * unquoted. Only the first challenge of the header is read.
 */
record Challenge(String scheme, Map<String, String> parameters) {
  /** Longer than any real challenge; a header past this is not read at all. */
  private static final int MAX_LENGTH = 8192;

  /** The challenge, or null where the header is absent, too long or has no scheme. */
  static Challenge parse(String header) {
    if (header == null || header.length() > MAX_LENGTH) {
      return null;
    }
    String text = header.trim();
    int space = text.indexOf(' ');
    String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
    if (scheme.isEmpty()) {
      return null;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    int at = space < 0 ? text.length() : space + 1;
    while (at < text.length()) {
      int equals = text.indexOf('=', at);
      if (equals < 0) {
        break;
      }
      String name = text.substring(at, equals).trim().toLowerCase(Locale.ROOT);
      StringBuilder value = new StringBuilder();
      at = equals + 1;
      if (at < text.length() && text.charAt(at) == '"') {
        for (at++; at < text.length() && text.charAt(at) != '"'; at++) {
          if (text.charAt(at) == '\\' && at + 1 < text.length()) {
            at++;
          }
          value.append(text.charAt(at));
        }
        at++; // the closing quote
      } else {
        for (; at < text.length() && text.charAt(at) != ','; at++) {
          value.append(text.charAt(at));
        }
      }
      parameters.putIfAbsent(name, value.toString().trim());
      while (at < text.length() && (text.charAt(at) == ',' || text.charAt(at) == ' ')) {
        at++;
      }
    }
    return new Challenge(scheme, Map.copyOf(parameters));
  }

  String parameter(String name) {
    return parameters.get(name);
  }
}
