package io.jimg.cli;

import io.jimg.images.ImageStore;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level command: global options, and the store every verb shares, built when a verb first asks. */
@Command(
    name = "jimg",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    synopsisSubcommandLabel = "VERB",
    commandListHeading = "%nVerbs:%n",
    description = "Manage machine and container images under /var/lib/machines and systemd's other machine directories.",
    footer = {"", "Run 'jimg VERB --help' for a verb's options and an example.",
        "Exit codes: 0 done, 1 failed, 2 usage, 3 not found, 4 busy, 5 verification failed, 6 exists."})
final class Jimg implements Callable<Integer> {
  static final String IMAGE_ROOT_VARIABLE = "JIMG_IMAGE_ROOT";

  /**
   * Every verb by name, in the order the help lists them. Not in the {@code @Command} annotation: picocli builds the
   * model of every subcommand it is given, by reflection, and that is a tenth of a second a command pays for verbs
   * it does not run; {@link Main} adds only the one it runs where it can tell which. Classes, not constructor
   * references: a reference costs a lambda's linkage at every start, for verbs that do not run either.
   */
  static final Map<String, Class<?>> VERBS = verbs();

  private static Map<String, Class<?>> verbs() {
    Map<String, Class<?>> verbs = new LinkedHashMap<>();
    verbs.put("list", ListCommand.class);
    verbs.put("show", ShowCommand.class);
    verbs.put("clone", CloneCommand.class);
    verbs.put("rename", RenameCommand.class);
    verbs.put("remove", RemoveCommand.class);
    verbs.put("read-only", ReadOnlyCommand.class);
    verbs.put("set-limit", SetLimitCommand.class);
    verbs.put("clean", CleanCommand.class);
    verbs.put("import-tar", ImportTarCommand.class);
    verbs.put("import-raw", ImportRawCommand.class);
    verbs.put("import-fs", ImportFsCommand.class);
    verbs.put("export-tar", ExportTarCommand.class);
    verbs.put("export-raw", ExportRawCommand.class);
    verbs.put("run", RunCommand.class);
    verbs.put("provision", ProvisionCommand.class);
    verbs.put(CompletionCommand.NAME, CompletionCommand.class);
    verbs.put(CompleteNamesCommand.NAME, CompleteNamesCommand.class);
    verbs.put("pull", PullCommand.class);
    verbs.put("pull-tar", PullTarCommand.class);
    verbs.put("pull-raw", PullRawCommand.class);
    return Collections.unmodifiableMap(verbs);
  }

  @Spec CommandSpec spec;

  @Option(names = "--image-root", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "Use only this directory as the image pool, for finding and for new images "
          + "(default: $" + IMAGE_ROOT_VARIABLE + ", else systemd's search path; new images go to /var/lib/machines).")
  Path imageRoot;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print list and show output as JSON.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "Print no progress, events, table headers or summaries.")
  boolean quiet;

  @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print a stack trace with an error.")
  boolean debug;

  private final Environment environment;
  private ConsoleListener listener;
  private ImageStore store;

  Jimg(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a verb is missing");
  }

  Environment environment() {
    return environment;
  }

  /** The store over the pool the options name; made on first use, so that --help never loads native code. */
  ImageStore store() {
    if (store == null) {
      store = ImageStore.builder().imageRoot(imageRoot()).listener(listener()).build();
    }
    return store;
  }

  /** --image-root, else $JIMG_IMAGE_ROOT, else null for systemd's search path. */
  Path imageRoot() {
    if (imageRoot != null) {
      return imageRoot.toAbsolutePath();
    }
    String variable = environment.getenv().apply(IMAGE_ROOT_VARIABLE);
    return variable == null || variable.isEmpty() ? null : Path.of(variable).toAbsolutePath();
  }

  ConsoleListener listener() {
    if (listener == null) {
      listener = new ConsoleListener(spec.commandLine().getErr(), quiet, environment.terminal() && !quiet);
    }
    return listener;
  }

  /** Ends what the listener draws (a progress bar) before the command's own output or error. */
  void finish() {
    if (listener != null) {
      listener.finish();
    }
  }
}
