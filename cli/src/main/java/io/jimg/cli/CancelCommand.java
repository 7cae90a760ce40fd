package io.jimg.cli;

import picocli.CommandLine.Model.PositionalParamSpec;

/** jimg cancel ID: stops a running transfer, which leaves nothing behind. */
final class CancelCommand extends Verb {
  private final PositionalParamSpec id = add(parameter(0, "ID").type(long.class)
      .description("The transfer's id, as jimg transfers lists it."));

  CancelCommand() {
    super("cancel", "Cancel a running transfer and wait until it has cleaned up (exit code 3 where no transfer "
        + "has that id).");
    examples("jimg cancel 3");
  }

  @Override
  void run() throws Exception {
    long id = this.id.getValue();
    jimg().root().transfers().cancel(id);
  }
}
