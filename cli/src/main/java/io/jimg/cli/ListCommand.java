package io.jimg.cli;

import io.jimg.images.Image;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;

final class ListCommand extends Verb {
  private final OptionSpec all =
      add(flag("-a", "--all").description("Also list hidden images (names starting with '.')."));

  ListCommand() {
    super("list", "List images, like 'machinectl list-images'.");
    examples("jimg list --all");
  }

  @Override
  void run() throws Exception {
    boolean all = this.all.getValue();
    // Sorted by name, as machinectl prints them, whatever order the directories were read in. Only the JSON shows
    // origins: the table reads none.
    List<Image> listed = jimg().json() ? jimg().store().list(all) : jimg().store().listWithoutOrigins(all);
    List<Image> images = listed.stream().sorted(Comparator.comparing(Image::name)).toList();
    if (jimg().json()) {
      out().print(ImageJson.array(images));
    } else {
      out().print(new ImageText(jimg().environment().zone().get()).table(images, !jimg().quiet()));
    }
  }
}
