package io.jimg.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The jimg command's entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Image names are UTF-8 whatever the locale says; JSON must be too.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    int exitCode = commandLine(Environment.ofProcess(), out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /** The whole command, wired to the given surroundings; tests run it in-process through this. */
  static CommandLine commandLine(Environment environment, PrintWriter out, PrintWriter err) {
    Jimg jimg = new Jimg(environment);
    Errors errors = new Errors(jimg);
    return new CommandLine(jimg)
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }
}
