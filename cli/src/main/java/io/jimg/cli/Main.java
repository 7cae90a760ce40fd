package io.jimg.cli;

import io.jimg.images.ImageStore;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The jimg command's entry point. */
public final class Main {
  static final String HELP = "help";

  private Main() {}

  public static void main(String[] args) {
    // jimg's output is English on every host, its numbers formatted as in the US. That also spares
    // java.util.Formatter loading the host locale's number symbols, which jffi's initialisation would otherwise
    // pay for (tens of milliseconds) when it formats its library's name.
    Locale.setDefault(Locale.Category.FORMAT, Locale.US);
    // picocli looks up converters for java.time and java.sql types by reflection, at every start; no option of
    // jimg's has such a type.
    System.setProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
    // Image names are UTF-8 whatever the locale says; JSON must be too.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    Environment environment = Environment.ofProcess();
    Integer served = ThroughService.run(args, environment, out, err, true);
    if (served != null) {
      out.flush();
      err.flush();
      System.exit(served);
    }
    if (namesStoreVerb(args)) {
      ImageStore.loadNativeCodeInBackground();
    }
    CommandLine commandLine = commandLine(environment, out, err, args);
    JimgCommand jimg = commandLine.getCommand();
    CancelOnSignal signals = CancelOnSignal.install(jimg, err);
    jimg.cancelOnSignal(signals);
    int exitCode = commandLine.execute(args);
    out.flush();
    err.flush();
    signals.exit(exitCode);
  }

  /**
   * The command wired to the given surroundings, with the verbs {@code args} need; tests run it in-process through
   * this. Building a verb's model costs class loading and picocli's checks, so where the arguments name a verb
   * only that one is built, and the version option alone needs none. The rest (help, the help verb, the completion
   * script, an unknown or missing verb) sees every verb, so that help lists them and a typo gets its suggestions.
   */
  static CommandLine commandLine(Environment environment, PrintWriter out, PrintWriter err, String... args) {
    JimgCommand jimg = new JimgCommand(environment);
    CommandLine commandLine = new CommandLine(jimg.spec);
    String verb = verbIn(jimg.spec, args);
    if (verb != null && JimgCommand.VERBS.containsKey(verb) && !verb.equals(CompletionCommand.NAME)) {
      commandLine.addSubcommand(verb, newVerb(JimgCommand.VERBS.get(verb)).spec);
    } else if (!onlyVersion(jimg.spec, args)) {
      for (Class<? extends Verb> type : JimgCommand.VERBS.values()) {
        Verb each = newVerb(type);
        commandLine.addSubcommand(each.spec.name(), each.spec);
      }
      // "jimg help VERB" as git and systemctl users type it; picocli's own, which reads its annotations, is made
      // only here, where every verb is made anyway.
      CommandLine help = new CommandLine(new CommandLine.HelpCommand());
      help.getCommandSpec().usageMessage().description("Show a verb's help, or jimg's without one.");
      commandLine.addSubcommand(HELP, help);
    }
    // Last: picocli hands these settings to the subcommands there are when they are set.
    Errors errors = new Errors(jimg);
    return commandLine
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(errors::handleExecutionException)
        .setParameterExceptionHandler(errors::handleParseException);
  }

  static Verb newVerb(Class<? extends Verb> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make the verb " + type.getSimpleName(), e);
    }
  }

  /**
   * Whether an argument names a verb that works on the store, all but the completion script's. A guess made before
   * picocli has read the options (an option's value could be such a word), good enough to start the native bindings
   * loading early: a wrong guess costs only work on a second thread.
   */
  private static boolean namesStoreVerb(String[] args) {
    for (String arg : args) {
      if (arg.equals(HELP)) {
        return false; // "help clone" shows clone's help, and loads nothing for it
      }
      if (JimgCommand.VERBS.containsKey(arg)) {
        return !arg.equals(CompletionCommand.NAME);
      }
    }
    return false;
  }

  /** The first argument that is not a top-level option or an option's value, or null. */
  static String verbIn(CommandSpec jimg, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return null;
      }
      if (!arg.startsWith("-") || arg.length() == 1) {
        return arg;
      }
      OptionSpec option = jimg.findOption(arg);
      if (option != null && option.arity().min() > 0) {
        i++;
      }
    }
    return null;
  }

  private static boolean onlyVersion(CommandSpec jimg, String[] args) {
    if (args.length == 0) {
      return false;
    }
    for (String arg : args) {
      OptionSpec option = jimg.findOption(arg);
      if (option == null || !option.versionHelp()) {
        return false;
      }
    }
    return true;
  }
}
