package io.jimg.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class CloneCommand extends Verb {
  private final PositionalParamSpec source =
      add(parameter(0, "SRC").completionCandidates(IMAGE_NAMES).description("The image to clone."));
  private final PositionalParamSpec target = add(parameter(1, "DST").description("The new image's name."));
  private final OptionSpec readOnly = add(flag("--read-only").description("Make the clone read-only."));

  CloneCommand() {
    super("clone", "Clone an image under a new name: a snapshot on btrfs, else a reflink or a faithful copy.");
    examples("jimg clone debian debian-test --read-only");
  }

  @Override
  void run() throws Exception {
    boolean readOnly = this.readOnly.getValue();
    jimg().store().clone(source.getValue(), target.getValue(), readOnly);
  }
}
