package io.jimg.cli;

import java.time.ZoneId;
import java.util.function.UnaryOperator;

/**
 * What the CLI takes from the process it runs in, so that tests can run it in-process with their own:
 * environment variables, the time zone for human output, and whether stderr is a terminal (progress bars).
 */
record Environment(UnaryOperator<String> getenv, ZoneId zone, boolean terminal) {
  static Environment ofProcess() {
    return new Environment(System::getenv, ZoneId.systemDefault(), System.console() != null);
  }
}
