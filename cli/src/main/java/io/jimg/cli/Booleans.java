package io.jimg.cli;

import java.util.Locale;

/** Booleans as systemd's tools take them. */
final class Booleans {
  private Booleans() {}

  static boolean parse(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "y", "on", "1":
        return true;
      case "false", "no", "n", "off", "0":
        return false;
      default:
        throw new IllegalArgumentException("'" + value + "' is not a boolean: use true or false");
    }
  }
}
