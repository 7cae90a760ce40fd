package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What export-tar and export-raw share: an image written to a file or to standard output, compressed as asked. */
abstract class ExportVerb extends Verb {
  @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ImageNames.class, description = "The image.")
  String name;

  @Parameters(index = "1", paramLabel = "FILE|-", description = "The file to write, or - for standard output.")
  String file;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "xz, gzip, bzip2, zstd or uncompressed (default: from the file's suffix).")
  String format;

  @Override
  final void run() throws Exception {
    Exporter exporter = Exporter.builder(jimg.store()).format(TransferOptions.format(format))
        .listener(jimg.listener()).build();
    if (TransferOptions.isStandardStream(file)) {
      export(exporter, TransferOptions.standardOutput());
    } else {
      export(exporter, Path.of(file));
    }
  }

  abstract void export(Exporter exporter, Path target) throws IOException;

  abstract void export(Exporter exporter, OutputStream target) throws IOException;
}
