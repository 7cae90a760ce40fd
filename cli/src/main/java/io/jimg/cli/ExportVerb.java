package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** What export-tar and export-raw share: an image written to a file or to standard output, compressed as asked. */
abstract class ExportVerb extends Verb {
  private final PositionalParamSpec name =
      add(parameter(0, "NAME").completionCandidates(IMAGE_NAMES).description("The image."));
  private final PositionalParamSpec file =
      add(parameter(1, "FILE|-").description("The file to write, or - for standard output."));
  private final OptionSpec format = add(option("FORMAT", "--format")
      .description("xz, gzip, bzip2, zstd or uncompressed (default: from the file's suffix)."));

  ExportVerb(String name, String description) {
    super(name, description);
  }

  @Override
  final void run() throws Exception {
    Exporter exporter = Exporter.builder(jimg().store()).format(TransferOptions.format(format.getValue()))
        .listener(jimg().listener()).build();
    String file = this.file.getValue();
    if (TransferOptions.isStandardStream(file)) {
      export(exporter, name.getValue(), TransferOptions.standardOutput());
    } else {
      export(exporter, name.getValue(), Path.of(file));
    }
  }

  abstract void export(Exporter exporter, String name, Path target) throws IOException;

  abstract void export(Exporter exporter, String name, OutputStream target) throws IOException;
}
