package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export-raw",
    description = "Write a raw image's bytes, compressed as asked.",
    footer = {"", "Example:", "  jimg export-raw fedora fedora.raw.xz"})
final class ExportRawCommand extends Verb {
  @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ImageNames.class, description = "The image.")
  String name;

  @Parameters(index = "1", paramLabel = "FILE|-", description = "The file to write, or - for standard output.")
  String file;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "xz, gzip, bzip2, zstd or uncompressed (default: from the file's suffix).")
  String format;

  @Override
  void run() throws Exception {
    Exporter exporter = Exporter.builder(jimg.store()).format(TransferOptions.format(format))
        .listener(jimg.listener()).build();
    if (TransferOptions.isStandardStream(file)) {
      exporter.exportRaw(name, TransferOptions.standardOutput());
    } else {
      exporter.exportRaw(name, Path.of(file));
    }
  }
}
