package io.jimg.cli;

import io.jimg.images.ImageStore;
import java.nio.file.Path;
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
        "Exit codes: 0 done, 1 failed, 2 usage, 3 not found, 4 busy, 5 verification failed, 6 exists."},
    subcommands = {
        ListCommand.class, ShowCommand.class, CloneCommand.class, RenameCommand.class, RemoveCommand.class,
        ReadOnlyCommand.class, SetLimitCommand.class, CleanCommand.class, ImportTarCommand.class,
        ImportRawCommand.class, ImportFsCommand.class, ExportTarCommand.class, ExportRawCommand.class,
        RunCommand.class, ProvisionCommand.class, CompletionCommand.class,
        CompleteNamesCommand.class, PullCommand.class, PullTarCommand.class, PullRawCommand.class})
final class Jimg implements Callable<Integer> {
  static final String IMAGE_ROOT_VARIABLE = "JIMG_IMAGE_ROOT";

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
