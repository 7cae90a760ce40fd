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

  /** The command as the process builds it for {@code args}: with every verb when there are none. */
  CommandLine commandLine(StringWriter out, StringWriter err, String... args) {
    return Main.commandLine(new Environment(environment, () -> ZoneId.of("UTC"), terminal), new PrintWriter(out, true),
        new PrintWriter(err, true), args);
  }

  Result run(String... args) {
    return run(args, args);
  }

  /** Runs {@code args} on a command with every verb, whatever the arguments name. */
  Result runWithEveryVerb(String... args) {
    return run(new String[0], args);
  }

  private Result run(String[] modelFor, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = commandLine(out, err, modelFor).execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** The parsed top-level command, to look at its global options without running a verb. */
  JimgCommand parse(String... args) {
    CommandLine commandLine = commandLine(new StringWriter(), new StringWriter(), args);
    commandLine.parseArgs(args);
    return commandLine.getCommand();
  }
}
