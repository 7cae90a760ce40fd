package io.jimg.cli;

import java.util.List;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

final class SetLimitCommand extends Verb {
  private final PositionalParamSpec arguments = add(parameter(0, "[NAME] SIZE|none").index("0..1").arity("1..2")
      .type(List.class).auxiliaryTypes(String.class).completionCandidates(IMAGE_NAMES).hideParamSyntax(true)
      .description("The image (omit for the pool) and the limit."));

  SetLimitCommand() {
    super("set-limit",
        "Limit the disk space an image (or, without a name, the whole pool) may use; 'none' clears it.");
    spec.usageMessage().customSynopsis("jimg set-limit [-hq] [--debug] [--json] [--image-root=DIR] [NAME] SIZE|none");
    note("Sizes take K, M, G, T in powers of 1024.");
    examples("jimg set-limit debian 20G");
  }

  @Override
  void run() throws Exception {
    List<String> arguments = this.arguments.getValue();
    String name = arguments.size() == 2 ? arguments.get(0) : null;
    String size = arguments.get(arguments.size() - 1);
    long bytes;
    try {
      bytes = Sizes.parse(size);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (bytes == 0) {
      throw new ParameterException(spec.commandLine(),
          "a limit of 0 would refuse every write, even removing files: give a size, or none to remove the limit");
    }
    jimg().store().setLimit(name, bytes);
  }
}
