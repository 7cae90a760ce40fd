package io.jimg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "read-only", description = "Make an image read-only, or writable again with 'false'.",
    footer = {"", "Example:", "  jimg read-only debian false"})
final class ReadOnlyCommand extends Verb {
  @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ImageNames.class, description = "The image.")
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "BOOL", completionCandidates = BooleanWords.class,
      description = "true (the default) or false; also yes/no, on/off, 1/0.")
  String readOnly;

  @Override
  void run() throws Exception {
    boolean value;
    try {
      value = readOnly == null || Booleans.parse(readOnly);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    jimg.store().setReadOnly(name, value);
  }
}
