package io.jimg.cli;

import io.jimg.images.Image;
import io.jimg.library.ImportRequest;
import io.jimg.library.Transfer;
import io.jimg.library.Transfers;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.PositionalParamSpec;

/** What import-tar and import-raw share: a file or standard input made into a new image. */
abstract class ImportVerb extends Verb {
  private final PositionalParamSpec file =
      add(parameter(0, "FILE|-").description("The file to read, or - for standard input."));
  private final PositionalParamSpec name = add(optionalParameter(1, "NAME")
      .description("The image's name (default: the file name without its suffixes)."));
  private final TransferOptions.ImportFlags options = new TransferOptions.ImportFlags(this);

  ImportVerb(String name, String description) {
    super(name, description);
  }

  @Override
  final void run() throws Exception {
    ImportRequest options = options(this.options);
    Transfers transfers = jimg().root().transfers();
    String file = this.file.getValue();
    if (TransferOptions.isStandardStream(file)) {
      importFrom(transfers, jimg().environment().streams().input(), name.getValue(), options).await();
    } else {
      importFrom(transfers, jimg().environment().path(file), name.getValue(), options).await();
    }
  }

  /** The import options the shared options ask for, with the verb's own; none of its own by default. */
  ImportRequest options(TransferOptions.ImportFlags shared) {
    return shared.options(false, false);
  }

  abstract Transfer<Image> importFrom(Transfers transfers, Path source, String name, ImportRequest options);

  abstract Transfer<Image> importFrom(Transfers transfers, InputStream source, String name, ImportRequest options);
}
