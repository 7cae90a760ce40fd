package io.jimg.cli;

import io.jimg.images.Image;
import picocli.CommandLine.Command;

/** Image names one a line, hidden ones included, for the completion script. */
@Command(name = CompleteNamesCommand.NAME, hidden = true, description = "Print image names for shell completion.")
final class CompleteNamesCommand extends Verb {
  static final String NAME = "__complete-names";

  @Override
  void run() throws Exception {
    for (Image image : jimg.store().list(true)) {
      out().println(image.name());
    }
  }
}
