package io.jimg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show an image's properties, usage, limits and os-release.",
    footer = {"", "Example:", "  jimg show debian --json"})
final class ShowCommand extends Verb {
  @Parameters(paramLabel = "NAME", completionCandidates = ImageNames.class, description = "The image.")
  String name;

  @Override
  void run() throws Exception {
    var image = jimg.store().show(name);
    if (jimg.json) {
      out().print(ImageJson.object(image));
    } else {
      out().print(new ImageText(jimg.environment().zone().get()).details(image));
    }
  }
}
