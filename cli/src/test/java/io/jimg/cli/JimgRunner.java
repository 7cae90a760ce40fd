package io.jimg.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs the jimg command in-process with captured output, an environment of its own and UTC times. */
final class JimgRunner {
  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> environment = new HashMap<>();
  private boolean terminal;

  JimgRunner env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  JimgRunner terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  CommandLine commandLine(StringWriter out, StringWriter err) {
    return Main.commandLine(new Environment(environment::get, () -> ZoneId.of("UTC"), terminal), new PrintWriter(out, true),
        new PrintWriter(err, true));
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = commandLine(out, err).execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** The parsed top-level command, to look at its global options without running a verb. */
  Jimg parse(String... args) {
    CommandLine commandLine = commandLine(new StringWriter(), new StringWriter());
    commandLine.parseArgs(args);
    return commandLine.getCommand();
  }
}
