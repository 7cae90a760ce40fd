package io.jimg.cli;

import io.jimg.images.CleanReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "clean", description = "Remove hidden images (or all images with --all); images in use are skipped.",
    footer = {"", "Example:", "  jimg clean"})
final class CleanCommand extends Verb {
  @Option(names = {"-a", "--all"}, description = "Remove every image that is not in use, not only hidden ones.")
  boolean all;

  @Override
  void run() throws Exception {
    CleanReport report = jimg.store().clean(all);
    if (jimg.json) {
      out().print(ImageJson.cleanReport(report));
    } else if (!jimg.quiet) {
      out().print(ImageText.cleanSummary(report));
    }
  }
}
