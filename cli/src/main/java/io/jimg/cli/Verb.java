package io.jimg.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * What every verb shares: its picocli model, its --help, the top-level command's options and store, the streams.
 *
 * <p>A verb builds its model in code, with picocli's own builders, instead of declaring it in annotations: picocli
 * reads annotations by reflection, and the JDK makes a proxy class for each annotation type it reads, which cost a
 * short command such as {@code jimg clone} some 40 ms of its start. A verb declares its options and parameters as
 * fields, {@code add(flag("--read-only").description(...))}, and reads them in {@link #run()} with
 * {@code getValue()}.
 */
abstract class Verb implements Callable<Integer> {
  /** Image names complete from the pool: the completion script asks {@code jimg __complete-names}. */
  static final ImageNameCompletion IMAGE_NAMES = new ImageNameCompletion();

  final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
  private final List<String> footer = new ArrayList<>();
  private int exitCode;

  /** A verb with its name and its help's description, one paragraph a line. */
  Verb(String name, String... description) {
    spec.name(name);
    spec.usageMessage().description(description);
    add(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit."));
  }

  @Override
  public Integer call() throws Exception {
    try {
      run();
    } finally {
      jimg().finish();
    }
    return exitCode;
  }

  abstract void run() throws Exception;

  /** The exit code once {@link #run()} returns, instead of 0 (run's is its container's). */
  final void exitCode(int code) {
    exitCode = code;
  }

  /** The top-level command, whose options and store every verb shares. */
  final JimgCommand jimg() {
    return (JimgCommand) spec.root().userObject();
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Adds a paragraph after the options in the help, before the examples. */
  final void note(String paragraph) {
    footer.add("");
    footer.add(paragraph);
    spec.usageMessage().footer(footer.toArray(new String[0]));
  }

  /** Ends the help with example command lines. */
  final void examples(String... commandLines) {
    footer.add("");
    footer.add("Example:");
    for (String line : commandLines) {
      footer.add("  " + line);
    }
    spec.usageMessage().footer(footer.toArray(new String[0]));
  }

  /** A flag: false unless given. */
  static OptionSpec.Builder flag(String... names) {
    return OptionSpec.builder(names).type(boolean.class).initialValue(false);
  }

  /** An option that takes a text value, null unless given. */
  static OptionSpec.Builder option(String paramLabel, String... names) {
    return OptionSpec.builder(names).paramLabel(paramLabel).type(String.class);
  }

  /** An option that takes a whole number no smaller than {@code least}: anything else is a usage error. */
  static OptionSpec.Builder number(String paramLabel, int least, String... names) {
    return option(paramLabel, names).type(int.class).converters(text -> {
      int value;
      try {
        value = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' is not a whole number");
      }
      if (value < least) {
        throw new TypeConversionException("'" + text + "' is less than " + least);
      }
      return value;
    });
  }

  /** The required positional parameter at {@code index}, a text. */
  static PositionalParamSpec.Builder parameter(int index, String paramLabel) {
    return PositionalParamSpec.builder().index(String.valueOf(index)).arity("1").required(true)
        .paramLabel(paramLabel).type(String.class);
  }

  /** The positional parameter at {@code index}, a text that may be left out (null then). */
  static PositionalParamSpec.Builder optionalParameter(int index, String paramLabel) {
    return parameter(index, paramLabel).arity("0..1").required(false);
  }

  final OptionSpec add(OptionSpec.Builder option) {
    OptionSpec built = option.build();
    spec.addOption(built);
    return built;
  }

  final PositionalParamSpec add(PositionalParamSpec.Builder parameter) {
    PositionalParamSpec built = parameter.build();
    spec.addPositional(built);
    return built;
  }
}
