package io.jimg.cli;

import picocli.CommandLine.Model.PositionalParamSpec;

final class ShowCommand extends Verb {
  private final PositionalParamSpec name =
      add(parameter(0, "NAME").completionCandidates(IMAGE_NAMES).description("The image."));

  ShowCommand() {
    super("show", "Show an image's properties, usage, limits and os-release.");
    examples("jimg show debian --json");
  }

  @Override
  void run() throws Exception {
    var image = jimg().store().show(name.getValue());
    if (jimg().json()) {
      out().print(ImageJson.object(image));
    } else {
      out().print(new ImageText(jimg().environment().zone().get()).details(image));
    }
  }
}
