package io.jimg.cli;

import io.jimg.images.IoFailures;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on stderr, {@code jimg: <what failed and why>}, and an exit code: the
 * reason's code for the store's errors, 2 with a pointer to the help for usage errors, 1 for the rest. A stack
 * trace follows only with {@code --debug}. Its handlers are picocli's by method reference: a class of jimg's that
 * implements one of picocli's interfaces, which are Java 5 class files, cannot go into the class-data archive.
 */
final class Errors {
  static final int FAILED = JimgException.Reason.FAILED.exitCode();
  static final int USAGE = JimgException.Reason.USAGE.exitCode();

  private final JimgCommand jimg;

  Errors(JimgCommand jimg) {
    this.jimg = jimg;
  }

  /** picocli's execution exception handler. */
  int handleExecutionException(Exception exception, CommandLine command, ParseResult parseResult) {
    if (jimg.cancelledBySignal() && exception instanceof JimgException cancelled
        && cancelled.reason() == JimgException.Reason.CANCELLED) {
      return exitCode(exception); // the handler says what was cancelled, once, and exits with the signal's code
    }
    jimg.finish();
    boolean bug = !(exception instanceof IOException);
    report(command.getErr(), message(exception, command).strip()
        + (bug && !jimg.debug() ? " (run with --debug for a stack trace)" : ""), exitCode(exception), exception);
    return exitCode(exception);
  }

  /** picocli's parameter exception handler. */
  int handleParseException(ParameterException exception, String[] args) {
    jimg.finish();
    CommandLine command = exception.getCommandLine();
    report(command.getErr(), usageMessage(exception).strip() + " (see '" + command.getCommandSpec().qualifiedName()
        + " --help')", USAGE, exception);
    return USAGE;
  }

  /** One line, {@code jimg: MESSAGE}, or with --json one JSON object; the stack trace after it with --debug. */
  private void report(PrintWriter err, String message, int code, Exception exception) {
    err.print(jimg.json() ? ErrorJson.of(message, code, exception) : Text.printable("jimg: " + message) + "\n");
    if (jimg.debug()) {
      exception.printStackTrace(err);
    }
    err.flush();
  }

  static int exitCode(Exception exception) {
    if (exception instanceof JimgException jimgException && jimgException.reason() != null) {
      return jimgException.reason().exitCode();
    }
    return FAILED;
  }

  /** The store's own message; other I/O failures get the verb as context; a bug says it is one. */
  static String message(Exception exception, CommandLine command) {
    if (exception instanceof JimgException) {
      return withErrno(String.valueOf(exception.getMessage()), exception.getCause());
    }
    String verb = command.getCommandName();
    if (exception instanceof IOException io) {
      return "cannot " + verb + ": " + IoFailures.describe(io);
    }
    return "internal error in " + verb + ": " + exception;
  }

  /**
   * A message that ends with the text of the JDK's exception it wraps ("cannot read keyring /x.gpg: /x.gpg"), which
   * names the errno only by its class or in strerror's words, ends with the file and the errno's name instead:
   * {@code cannot read keyring /x.gpg: ENOENT (no such file or directory)}.
   */
  private static String withErrno(String message, Throwable cause) {
    if (cause instanceof IOException io && IoFailures.errnoName(io) != null
        && cause.getMessage() != null && message.endsWith(cause.getMessage())) {
      String before = message.substring(0, message.length() - cause.getMessage().length());
      String described = IoFailures.describe(io);
      String file = IoFailures.path(io) + ": ";
      // "cannot read keyring /x.gpg: " names the file already: only the errno follows.
      return before.endsWith(file) && described.startsWith(file) ? before + described.substring(file.length())
          : before + described;
    }
    return message;
  }

  private static List<String> visibleVerbs(CommandLine jimg) {
    return jimg.getSubcommands().entrySet().stream()
        .filter(verb -> !verb.getValue().getCommandSpec().usageMessage().hidden())
        .map(Map.Entry::getKey)
        .toList();
  }

  private static String usageMessage(ParameterException exception) {
    if (exception instanceof UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()
        && !unmatched.getUnmatched().isEmpty()) {
      List<String> arguments = unmatched.getUnmatched();
      if (unmatched.getCommandLine().getParent() == null) {
        List<String> suggestions = CloseVerbs.to(arguments.get(0), visibleVerbs(unmatched.getCommandLine()));
        return "unknown verb '" + arguments.get(0) + "'"
            + (suggestions.isEmpty() ? "" : "; did you mean '" + String.join("' or '", suggestions) + "'?");
      }
      return (arguments.size() == 1 ? "unexpected argument '" : "unexpected arguments '")
          + String.join("' '", arguments) + "'";
    }
    String message = exception.getMessage() == null ? exception.toString() : exception.getMessage();
    return message.isEmpty() ? message : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
  }
}
