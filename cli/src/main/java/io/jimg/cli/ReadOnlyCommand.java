package io.jimg.cli;

import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

final class ReadOnlyCommand extends Verb {
  private final PositionalParamSpec name =
      add(parameter(0, "NAME").completionCandidates(IMAGE_NAMES).description("The image."));
  private final PositionalParamSpec readOnly = add(optionalParameter(1, "BOOL")
      .completionCandidates(new BooleanWords()).description("true (the default) or false; also yes/no, on/off, 1/0."));

  ReadOnlyCommand() {
    super("read-only", "Make an image read-only, or writable again with 'false'.");
    examples("jimg read-only debian false");
  }

  @Override
  void run() throws Exception {
    String word = readOnly.getValue();
    boolean value;
    try {
      value = word == null || Booleans.parse(word);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    jimg().store().setReadOnly(name.getValue(), value);
  }
}
