package io.jimg.cli;

import io.jimg.images.ImageStore;
import io.jimg.images.StoreListener;
import io.jimg.library.Jimg;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * The top-level command: global options, and the library's root every verb shares, built when a verb first asks. Its
 * model is built in code, as the verbs' are (see {@link Verb} for why).
 */
final class JimgCommand implements Callable<Integer> {
  static final String IMAGE_ROOT_VARIABLE = "JIMG_IMAGE_ROOT";
  /** Where image locks go instead of systemd-nspawn's directory: for tests, which must not meet the host's containers. */
  static final String LOCK_DIRECTORY_VARIABLE = "JIMG_LOCK_DIRECTORY";
  /** The root under which an OCI pull reads etc/containers/registries.conf instead of /: for tests. */
  static final String CONTAINERS_CONFIG_ROOT_VARIABLE = "JIMG_CONTAINERS_CONFIG_ROOT";

  /**
   * Every verb by name, in the order the help lists them. Not all made at every start: a verb's model costs class
   * loading and picocli's checks, which a command should not pay for verbs it does not run; {@link Main} makes only
   * the one it runs where it can tell which. Classes, not constructor references: a reference costs a lambda's
   * linkage at every start, for verbs that do not run either.
   */
  static final Map<String, Class<? extends Verb>> VERBS = verbs();

  private static Map<String, Class<? extends Verb>> verbs() {
    Map<String, Class<? extends Verb>> verbs = new LinkedHashMap<>();
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
    verbs.put("transfers", TransfersCommand.class);
    verbs.put("cancel", CancelCommand.class);
    verbs.put(CompletionCommand.NAME, CompletionCommand.class);
    verbs.put(CompleteNamesCommand.NAME, CompleteNamesCommand.class);
    verbs.put("pull", PullCommand.class);
    verbs.put("pull-tar", PullTarCommand.class);
    verbs.put("pull-raw", PullRawCommand.class);
    verbs.put("push", PushCommand.class);
    verbs.put("serve", ServeCommand.class);
    return Collections.unmodifiableMap(verbs);
  }

  final CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("jimg");

  // Inherited: a verb takes them too, after its name, and sets them here.
  private final OptionSpec imageRoot = add(OptionSpec.builder("--image-root").paramLabel("DIR").type(Path.class)
      .description("Use only this directory as the image pool, for finding and for new images "
          + "(default: $" + IMAGE_ROOT_VARIABLE + ", else systemd's search path; new images go to /var/lib/machines)."));
  private final OptionSpec json = add(Verb.flag("--json")
      .description("Print list, show, clean and push output as JSON, and a failure as one JSON object on stderr."));
  private final OptionSpec quiet = add(Verb.flag("-q", "--quiet")
      .description("Print no progress, events, table headers or summaries."));
  private final OptionSpec debug = add(Verb.flag("--debug").description("Print a stack trace with an error."));
  // Read by ThroughService before picocli runs; declared here so that a command run in-process accepts it.
  private final OptionSpec noService = add(Verb.flag(ThroughService.NO_SERVICE)
      .description("Run in this process even where jimg serve runs (also: $" + ThroughService.VARIABLE + "=0)."));

  private final Environment environment;
  private ConsoleListener listener;
  /** Volatile: the signal handler's thread reads it to find the running transfers. */
  private volatile Jimg root;
  /** The process's signal handlers; null where the command runs in-process (tests, the class-data training). */
  private CancelOnSignal signals;
  /** Whether the client of a command run in the service was interrupted: it reports its cancellations then. */
  private volatile boolean interrupted;

  JimgCommand(Environment environment) {
    this.environment = environment;
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help message and exit.")
        .build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
        .description("Print version information and exit.").build());
    spec.versionProvider(Version::lines);
    spec.usageMessage()
        .synopsisSubcommandLabel("VERB")
        .commandListHeading("%nVerbs:%n")
        .description("Manage machine and container images under /var/lib/machines and systemd's other machine "
            + "directories.")
        .footer("", "Run 'jimg help VERB' or 'jimg VERB --help' for a verb's options and an example.",
            "Exit codes: 0 done, 1 failed, 2 usage, 3 not found, 4 busy, 5 verification failed, 6 exists, 7 cancelled,",
            "128+N stopped by signal N (130 Ctrl-C, 141 a closed pipe, 143 SIGTERM).");
  }

  private OptionSpec add(OptionSpec.Builder option) {
    OptionSpec built = option.scopeType(ScopeType.INHERIT).build();
    spec.addOption(built);
    return built;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a verb is missing");
  }

  Environment environment() {
    return environment;
  }

  /**
   * The library over the pool the options name, with the process's environment for proxies; made on first use, so
   * that --help never loads native code.
   */
  Jimg root() {
    if (root == null) {
      root = Jimg.builder().imageRoot(imageRoot()).imageLockDirectory(imageLockDirectory()).listener(listener())
          .environment(environment.variables()).containersConfigRoot(containersConfigRoot()).build();
    }
    return root;
  }

  /** The root, made with {@code listener} instead of the console's: for the service, which logs what it hears. */
  Jimg root(StoreListener listener) {
    if (root != null) {
      throw new IllegalStateException("the root is made already");
    }
    root = Jimg.builder().imageRoot(imageRoot()).imageLockDirectory(imageLockDirectory()).listener(listener)
        .environment(environment.variables()).containersConfigRoot(containersConfigRoot()).build();
    return root;
  }

  /** Runs the command on the service's root, {@code root}, rather than on one of its own. */
  void useRoot(Jimg root) {
    this.root = root;
  }

  /** The root where a verb has made it, else null. */
  Jimg rootIfMade() {
    return root;
  }

  ImageStore store() {
    return root().images();
  }

  void cancelOnSignal(CancelOnSignal handlers) {
    this.signals = handlers;
  }

  /** Whether a signal's handler cancels the command's transfers, and so reports their cancellation itself. */
  boolean cancelledBySignal() {
    return interrupted || signals != null && signals.caught();
  }

  /** The client of a command the service runs was interrupted: the service cancels its transfers and reports them. */
  void interrupted() {
    interrupted = true;
  }

  boolean json() {
    return json.getValue();
  }

  boolean quiet() {
    return quiet.getValue();
  }

  boolean debug() {
    return debug.getValue();
  }

  /** $JIMG_LOCK_DIRECTORY, else systemd-nspawn's lock directory, which jimg shares so that each sees the other's locks. */
  Path imageLockDirectory() {
    String variable = environment.variables().get(LOCK_DIRECTORY_VARIABLE);
    return variable == null || variable.isEmpty() ? ImageStore.LOCK_DIRECTORY : environment.path(variable);
  }

  /** $JIMG_CONTAINERS_CONFIG_ROOT, else /. */
  private Path containersConfigRoot() {
    String variable = environment.variables().get(CONTAINERS_CONFIG_ROOT_VARIABLE);
    return variable == null || variable.isEmpty() ? Jimg.CONTAINERS_CONFIG_ROOT : environment.path(variable);
  }

  /** --image-root, else $JIMG_IMAGE_ROOT, else null for systemd's search path. */
  Path imageRoot() {
    Path option = imageRoot.getValue();
    if (option != null) {
      return environment.directory().resolve(option);
    }
    String variable = environment.variables().get(IMAGE_ROOT_VARIABLE);
    return variable == null || variable.isEmpty() ? null : environment.path(variable);
  }

  ConsoleListener listener() {
    if (listener == null) {
      listener = new ConsoleListener(spec.commandLine().getErr(), quiet(), environment.terminal() && !quiet());
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
