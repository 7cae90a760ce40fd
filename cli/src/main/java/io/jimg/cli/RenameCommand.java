package io.jimg.cli;

import picocli.CommandLine.Model.PositionalParamSpec;

final class RenameCommand extends Verb {
  private final PositionalParamSpec from =
      add(parameter(0, "OLD").completionCandidates(IMAGE_NAMES).description("The image to rename."));
  private final PositionalParamSpec to = add(parameter(1, "NEW").description("Its new name."));

  RenameCommand() {
    super("rename", "Rename an image and its companion files.");
    examples("jimg rename debian-test debian-old");
  }

  @Override
  void run() throws Exception {
    jimg().store().rename(from.getValue(), to.getValue());
  }
}
