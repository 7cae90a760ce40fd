package io.jimg.cli;

import io.jimg.images.ImageStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * The image lock directory of every store the command opens in this test JVM, rather than the host's
   * {@code /run/systemd/nspawn/locks}, which the host's own containers use. One for the whole JVM, so that
   * commands on one pool still exclude each other; a test that opens a store itself passes it too.
   */
  static final Path LOCKS = lockDirectory();

  private final Map<String, String> environment = new HashMap<>(Map.of("JIMG_LOCK_DIRECTORY", LOCKS.toString()));
  private boolean terminal;

  private static Path lockDirectory() {
    try {
      return Files.createTempDirectory("jimg-cli-locks-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A store builder over {@code pool} with the lock directory the command uses. */
  static ImageStore.Builder store(Path pool) {
    return ImageStore.builder().imageRoot(pool).lockDirectory(LOCKS);
  }

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

  /** Runs {@code args} with {@code --image-root=pool} before them. */
  Result runIn(Path pool, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "--image-root=" + pool;
    System.arraycopy(args, 0, all, 1, args.length);
    return run(all);
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
