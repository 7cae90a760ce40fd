package io.jimg.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove",
    description = "Remove images and their companion files; checks and locks every name before it removes any.",
    footer = {"", "Example:", "  jimg remove debian-old debian-test"})
final class RemoveCommand extends Verb {
  @Parameters(arity = "1..*", paramLabel = "NAME", completionCandidates = ImageNames.class, description = "The images to remove.")
  List<String> names;

  @Override
  void run() throws Exception {
    jimg.store().remove(names);
  }
}
