package io.jimg.cli;

import io.jimg.images.JimgException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
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
    PrintWriter err = command.getErr();
    boolean bug = !(exception instanceof IOException);
    err.println(Text.printable("jimg: " + message(exception, command).strip()
        + (bug && !jimg.debug() ? " (run with --debug for a stack trace)" : "")));
    if (jimg.debug()) {
      exception.printStackTrace(err);
    }
    err.flush();
    return exitCode(exception);
  }

  /** picocli's parameter exception handler. */
  int handleParseException(ParameterException exception, String[] args) {
    jimg.finish();
    CommandLine command = exception.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(Text.printable("jimg: " + usageMessage(exception).strip()
        + " (see '" + command.getCommandSpec().qualifiedName() + " --help')"));
    if (jimg.debug()) {
      exception.printStackTrace(err);
    }
    err.flush();
    return USAGE;
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
      return String.valueOf(exception.getMessage());
    }
    String verb = command.getCommandName();
    if (exception instanceof FileSystemException file) {
      String reason = file.getReason() != null ? file.getReason() : errnoOf(file);
      return "cannot " + verb + ": " + file.getFile() + ": " + reason;
    }
    if (exception instanceof IOException && exception.getMessage() != null) {
      return "cannot " + verb + ": " + exception.getMessage();
    }
    return "internal error in " + verb + ": " + exception;
  }

  /** NIO names the errno by its exception class alone: say it the way the native layer's errors do. */
  private static String errnoOf(FileSystemException file) {
    if (file instanceof java.nio.file.NoSuchFileException) {
      return "ENOENT (no such file or directory)";
    }
    if (file instanceof java.nio.file.AccessDeniedException) {
      return "EACCES (permission denied)";
    }
    if (file instanceof java.nio.file.NotDirectoryException) {
      return "ENOTDIR (not a directory)";
    }
    if (file instanceof java.nio.file.FileAlreadyExistsException) {
      return "EEXIST (file exists)";
    }
    if (file instanceof java.nio.file.DirectoryNotEmptyException) {
      return "ENOTEMPTY (directory not empty)";
    }
    return file.getClass().getSimpleName();
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
