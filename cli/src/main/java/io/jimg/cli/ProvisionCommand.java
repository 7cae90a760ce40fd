package io.jimg.cli;

import io.jimg.runtime.ProvisionResult;
import io.jimg.runtime.Provisioner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "provision",
    description = "Make a fleet of images from a template, each with its own /etc/machine-id and /etc/hostname "
        + "and a copy of the template's .nspawn file: all of them or, on any failure, none.",
    footer = {"", "Example:", "  jimg provision debian --count 10 --prefix web   # web1 ... web10"})
final class ProvisionCommand extends Verb {
  @Parameters(index = "0", paramLabel = "TEMPLATE", completionCandidates = ImageNames.class,
      description = "The image to clone.")
  String template;

  @Option(names = "--count", required = true, paramLabel = "N", description = "How many images to make.")
  int count;

  @Option(names = "--prefix", paramLabel = "P", description = "The names' prefix (default: TEMPLATE).")
  String prefix;

  @Option(names = "--start", paramLabel = "K", defaultValue = "1", description = "The first number (default: 1).")
  int start;

  @Override
  void run() throws Exception {
    ProvisionResult result = Provisioner.of(jimg.store())
        .provision(template, count, prefix == null ? template : prefix, start);
    jimg.finish();
    if (!jimg.quiet) {
      out().printf("Provisioned %d images (%s to %s) in %d ms%n", result.names().size(), result.names().get(0),
          result.names().get(result.names().size() - 1), result.elapsed().toMillis());
    }
  }
}
