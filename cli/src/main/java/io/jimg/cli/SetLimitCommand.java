package io.jimg.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "set-limit",
    customSynopsis = "jimg set-limit [-hq] [--debug] [--json] [--image-root=DIR] [NAME] SIZE|none",
    description = "Limit the disk space an image (or, without a name, the whole pool) may use; 'none' clears it.",
    footer = {"", "Sizes take K, M, G, T in powers of 1024.", "", "Example:", "  jimg set-limit debian 20G"})
final class SetLimitCommand extends Verb {
  @Parameters(index = "0..1", arity = "1..2", paramLabel = "[NAME] SIZE|none", completionCandidates = ImageNames.class,
      hideParamSyntax = true, description = "The image (omit for the pool) and the limit.")
  List<String> arguments;

  @Override
  void run() throws Exception {
    String name = arguments.size() == 2 ? arguments.get(0) : null;
    String size = arguments.get(arguments.size() - 1);
    long bytes;
    try {
      bytes = Sizes.parse(size);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    jimg.store().setLimit(name, bytes);
  }
}
