package io.jimg.cli;

import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.PositionalParamSpec;

/** What import-tar and import-raw share: a file or standard input made into a new image. */
abstract class ImportVerb extends Verb {
  private final PositionalParamSpec file =
      add(parameter(0, "FILE|-").description("The file to read, or - for standard input."));
  private final PositionalParamSpec name = add(optionalParameter(1, "NAME")
      .description("The image's name (default: the file name without its suffixes)."));
  private final TransferOptions.ImportOptions options = new TransferOptions.ImportOptions(this);

  ImportVerb(String name, String description) {
    super(name, description);
  }

  @Override
  final void run() throws Exception {
    Importer importer = options.importer(this::verbOptions);
    String file = this.file.getValue();
    if (TransferOptions.isStandardStream(file)) {
      importFrom(importer, TransferOptions.standardInput(), name.getValue());
    } else {
      importFrom(importer, Path.of(file), name.getValue());
    }
  }

  /** What the verb's own options set on the importer; none by default. */
  Importer.Builder verbOptions(Importer.Builder importer) {
    return importer;
  }

  abstract void importFrom(Importer importer, Path source, String name) throws IOException;

  abstract void importFrom(Importer importer, InputStream source, String name) throws IOException;
}
