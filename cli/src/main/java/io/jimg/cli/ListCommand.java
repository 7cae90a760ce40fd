package io.jimg.cli;

import io.jimg.images.Image;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List images, like 'machinectl list-images'.",
    footer = {"", "Example:", "  jimg list --all"})
final class ListCommand extends Verb {
  @Option(names = {"-a", "--all"}, description = "Also list hidden images (names starting with '.').")
  boolean all;

  @Override
  void run() throws Exception {
    // Sorted by name, as machinectl prints them, whatever order the directories were read in.
    List<Image> images = jimg.store().list(all).stream().sorted(Comparator.comparing(Image::name)).toList();
    if (jimg.json) {
      out().print(ImageJson.array(images));
    } else {
      out().print(new ImageText(jimg.environment().zone().get()).table(images, !jimg.quiet));
    }
  }
}
