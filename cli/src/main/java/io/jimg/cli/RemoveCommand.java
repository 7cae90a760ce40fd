package io.jimg.cli;

import java.util.List;
import picocli.CommandLine.Model.PositionalParamSpec;

final class RemoveCommand extends Verb {
  private final PositionalParamSpec names = add(parameter(0, "NAME").index("0..*").arity("1..*").type(List.class)
      .auxiliaryTypes(String.class).completionCandidates(IMAGE_NAMES).description("The images to remove."));

  RemoveCommand() {
    super("remove", "Remove images and their companion files; checks and locks every name before it removes any.");
    examples("jimg remove debian-old debian-test");
  }

  @Override
  void run() throws Exception {
    List<String> names = this.names.getValue();
    jimg().store().remove(names);
  }
}
