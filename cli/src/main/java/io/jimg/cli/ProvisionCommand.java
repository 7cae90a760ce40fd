package io.jimg.cli;

import io.jimg.runtime.ProvisionResult;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ProvisionCommand extends Verb {
  private final PositionalParamSpec template =
      add(parameter(0, "TEMPLATE").completionCandidates(IMAGE_NAMES).description("The image to clone."));
  private final OptionSpec count =
      add(number("N", 1, "--count").required(true).description("How many images to make."));
  private final OptionSpec prefix = add(option("P", "--prefix").description("The names' prefix (default: TEMPLATE)."));
  private final OptionSpec start =
      add(number("K", 0, "--start").defaultValue("1").description("The first number (default: 1)."));

  ProvisionCommand() {
    super("provision", "Make a fleet of images from a template, each with its own /etc/machine-id and /etc/hostname "
        + "and a copy of the template's .nspawn file: all of them or, on any failure, none.");
    examples("jimg provision debian --count 10 --prefix web   # web1 ... web10");
  }

  @Override
  void run() throws Exception {
    String template = this.template.getValue();
    String prefix = this.prefix.getValue();
    int count = this.count.getValue();
    int start = this.start.getValue();
    ProvisionResult result =
        jimg().root().transfers().provision(template, count, prefix == null ? template : prefix, start).await();
    jimg().finish();
    if (!jimg().quiet()) {
      out().printf("Provisioned %d images (%s to %s) in %d ms%n", result.names().size(), result.names().get(0),
          result.names().get(result.names().size() - 1), result.elapsed().toMillis());
    }
  }
}
