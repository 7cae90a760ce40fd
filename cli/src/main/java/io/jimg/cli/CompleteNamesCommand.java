package io.jimg.cli;

import io.jimg.images.Image;

/** Image names one a line, hidden ones included, for the completion script. */
final class CompleteNamesCommand extends Verb {
  static final String NAME = "__complete-names";

  CompleteNamesCommand() {
    super(NAME, "Print image names for shell completion.");
    spec.usageMessage().hidden(true);
  }

  @Override
  void run() throws Exception {
    for (Image image : jimg().store().listWithoutOrigins(true)) {
      out().println(image.name());
    }
  }
}
