package io.jimg.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The jimg command's entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Image names are UTF-8 whatever the locale says; JSON must be too.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    int exitCode = commandLine(Environment.ofProcess(), out, err, args).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /**
   * The command wired to the given surroundings, with the verbs {@code args} need; tests run it in-process through
   * this. Building a verb's model costs picocli reflection and class loading, so where the arguments name a verb
   * only that one is built, and the version option alone needs none. The rest (help, the completion script, an
   * unknown or missing verb) sees every verb, so that help lists them and a typo gets its suggestions.
   */
  static CommandLine commandLine(Environment environment, PrintWriter out, PrintWriter err, String... args) {
    Jimg jimg = new Jimg(environment);
    CommandLine commandLine = new CommandLine(jimg);
    String verb = verbIn(commandLine.getCommandSpec(), args);
    if (verb != null && Jimg.VERBS.containsKey(verb) && !verb.equals(CompletionCommand.NAME)) {
      commandLine.addSubcommand(verb, Jimg.VERBS.get(verb).get());
    } else if (!onlyVersion(commandLine.getCommandSpec(), args)) {
      Jimg.VERBS.forEach((name, factory) -> commandLine.addSubcommand(name, factory.get()));
    }
    // Last: picocli hands these settings to the subcommands there are when they are set.
    Errors errors = new Errors(jimg);
    return commandLine
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  /** The first argument that is not a top-level option or an option's value, or null. */
  private static String verbIn(CommandSpec jimg, String[] args) {
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
