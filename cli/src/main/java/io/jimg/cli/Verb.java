package io.jimg.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every verb shares: its --help, the top-level command's options and store, and the streams. */
abstract class Verb implements Callable<Integer> {
  @ParentCommand Jimg jimg;

  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Override
  public final Integer call() throws Exception {
    try {
      run();
    } finally {
      jimg.finish();
    }
    return 0;
  }

  abstract void run() throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
