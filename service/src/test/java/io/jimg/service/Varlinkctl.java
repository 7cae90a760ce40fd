package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * systemd 257's varlinkctl, the real client the service must satisfy: bin/test sets it up (bin/setup-varlinkctl)
 * and names it in JIMG_VARLINKCTL. Missing, it fails a test under CI.
 */
final class Varlinkctl {
  private Varlinkctl() {}

  /** An unprivileged user, given only the right to search directories so that it can run varlinkctl from root's cache. */
  private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534",
      "--clear-groups", "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search");

  static Path path() {
    String configured = System.getenv("JIMG_VARLINKCTL");
    boolean found = configured != null && Files.isExecutable(Path.of(configured));
    Requirements.require(found, "systemd 257's varlinkctl in JIMG_VARLINKCTL (bin/test sets it up with "
        + "bin/setup-varlinkctl)");
    return Path.of(configured);
  }

  static Commands.Result run(String... arguments) {
    List<String> command = new ArrayList<>(List.of(path().toString()));
    command.addAll(List.of(arguments));
    return Commands.exec(command);
  }

  /** varlinkctl run as uid 65534, a caller that is not root. */
  static Commands.Result runAsNobody(String... arguments) {
    Requirements.requireRoot();
    List<String> command = new ArrayList<>(AS_NOBODY);
    command.add(path().toString());
    command.addAll(List.of(arguments));
    return Commands.exec(command);
  }

  /** The output of a call that must have succeeded. */
  static String succeeded(Commands.Result result) {
    assertEquals(0, result.exitCode(), result.output());
    return result.output();
  }

  /**
   * JSON as varlinkctl prints it (indented; streamed replies as a JSON text sequence, each after a record
   * separator) without whitespace and separators.
   */
  static String compact(String json) {
    return json.replaceAll("[\\s\u001e]+", "");
  }
}
