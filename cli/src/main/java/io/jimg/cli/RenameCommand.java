package io.jimg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rename", description = "Rename an image and its companion files.",
    footer = {"", "Example:", "  jimg rename debian-test debian-old"})
final class RenameCommand extends Verb {
  @Parameters(index = "0", paramLabel = "OLD", completionCandidates = ImageNames.class, description = "The image to rename.")
  String from;

  @Parameters(index = "1", paramLabel = "NEW", description = "Its new name.")
  String to;

  @Override
  void run() throws Exception {
    jimg.store().rename(from, to);
  }
}
