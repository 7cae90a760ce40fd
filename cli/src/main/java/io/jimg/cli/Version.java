package io.jimg.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The version line, filled in by the build from the pom (a resource is cheaper to read than the jar's manifest). */
final class Version {
  private Version() {}

  static String[] lines() {
    return new String[] {line()};
  }

  static String line() {
    try (InputStream in = Version.class.getResourceAsStream("version.txt")) {
      if (in == null) {
        return "jimg (unknown version)";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read jimg's version resource", e);
    }
  }
}
