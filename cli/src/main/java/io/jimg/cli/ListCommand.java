package io.jimg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List images, like 'machinectl list-images'.",
    footer = {"", "Example:", "  jimg list --all"})
final class ListCommand extends Verb {
  @Option(names = {"-a", "--all"}, description = "Also list hidden images (names starting with '.').")
  boolean all;

  @Override
  void run() throws Exception {
    var images = jimg.store().list(all);
    if (jimg.json) {
      out().print(ImageJson.array(images));
    } else {
      out().print(new ImageText(jimg.environment().zone().get()).table(images, !jimg.quiet));
    }
  }
}
