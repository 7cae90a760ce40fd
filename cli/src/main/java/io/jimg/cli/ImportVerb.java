package io.jimg.cli;

import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** What import-tar and import-raw share: a file or standard input made into a new image. */
abstract class ImportVerb extends Verb {
  @Parameters(index = "0", paramLabel = "FILE|-", description = "The file to read, or - for standard input.")
  String file;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "The image's name (default: the file name without its suffixes).")
  String name;

  @Mixin TransferOptions.ImportOptions options;

  @Override
  final void run() throws Exception {
    Importer importer = options.importer(jimg, spec);
    if (TransferOptions.isStandardStream(file)) {
      importFrom(importer, TransferOptions.standardInput());
    } else {
      importFrom(importer, Path.of(file));
    }
  }

  abstract void importFrom(Importer importer, Path source) throws IOException;

  abstract void importFrom(Importer importer, InputStream source) throws IOException;
}
