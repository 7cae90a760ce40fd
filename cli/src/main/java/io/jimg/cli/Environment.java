package io.jimg.cli;

import java.time.ZoneId;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the CLI takes from the process it runs in, so that tests can run it in-process with their own:
 * environment variables, the time zone for human output (asked for only when needed), and whether stderr is a terminal (progress bars).
 */
record Environment(Map<String, String> variables, Supplier<ZoneId> zone, boolean terminal) {
  static Environment ofProcess() {
    // The zone is looked up only by a verb that prints times: reading the time zone database costs start-up time.
    return new Environment(System.getenv(), ZoneId::systemDefault, System.console() != null);
  }
}
