package io.jimg.cli;

import io.jimg.images.CleanReport;
import picocli.CommandLine.Model.OptionSpec;

final class CleanCommand extends Verb {
  private final OptionSpec all =
      add(flag("-a", "--all").description("Remove every image that is not in use, not only hidden ones."));

  CleanCommand() {
    super("clean", "Remove hidden images (or all images with --all); images in use are skipped.");
    examples("jimg clean");
  }

  @Override
  void run() throws Exception {
    boolean all = this.all.getValue();
    CleanReport report = jimg().store().clean(all);
    if (jimg().json()) {
      out().print(ImageJson.cleanReport(report));
    } else if (!jimg().quiet()) {
      out().print(ImageText.cleanSummary(report));
    }
  }
}
