package io.jimg.cli;

import io.jimg.images.ImageStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
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
  /** Where the verbs the service runs go, as the jimg command sends them; null: every command runs in-process. */
  private TestServices services;

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

  /**
   * Runs the verbs the service runs through {@code services}, in a service over the pool the command names, as the
   * jimg command does where jimg serve runs; the rest in-process, as the jimg command runs them.
   */
  JimgRunner throughService(TestServices services) {
    this.services = services;
    return this;
  }

  /** Runs the verbs the service runs through services of its own, which {@link #stopServices()} closes. */
  JimgRunner throughNewServices() {
    return throughService(new TestServices());
  }

  void stopServices() throws IOException {
    if (services != null) {
      services.close();
    }
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
    if (services != null) {
      Integer exitCode = runInService(args, out, err);
      if (exitCode != null) {
        return new Result(exitCode, out.toString(), err.toString());
      }
    }
    int exitCode = commandLine(out, err, modelFor).execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** The exit code of {@code args} run in the service over their pool; null for a verb the service does not run. */
  private Integer runInService(String[] args, StringWriter out, StringWriter err) {
    Path pool = null;
    try {
      pool = parse(args).imageRoot();
    } catch (CommandLine.ParameterException e) {
      // a usage error: the service over the pool the environment names reports it as the command would
    }
    if (pool == null && environment.get(JimgCommand.IMAGE_ROOT_VARIABLE) == null) {
      return null; // systemd's search path: no test serves the host's pools
    }
    Map<String, String> variables = new HashMap<>(environment);
    variables.put(ThroughService.SOCKET_VARIABLE, services.socketFor(pool == null
        ? Path.of(environment.get(JimgCommand.IMAGE_ROOT_VARIABLE)) : pool).toString());
    Environment served = new Environment(variables, () -> ZoneId.of("UTC"), terminal);
    Integer exitCode = ThroughService.run(args, served, new PrintWriter(out, true), new PrintWriter(err, true), false);
    String verb = ThroughService.verb(new JimgCommand(served), args);
    if (exitCode == null && ThroughService.SERVED.contains(verb) && !Arrays.asList(args).contains("--help")) {
      throw new AssertionError("jimg " + verb + " ran in-process, not in the service over " + pool);
    }
    return exitCode;
  }

  /** The parsed top-level command, to look at its global options without running a verb. */
  JimgCommand parse(String... args) {
    CommandLine commandLine = commandLine(new StringWriter(), new StringWriter(), args);
    commandLine.parseArgs(args);
    return commandLine.getCommand();
  }
}
