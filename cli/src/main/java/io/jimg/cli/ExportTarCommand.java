package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export-tar",
    description = "Write an image as a tar archive that GNU tar and systemd-import read back to the same tree.",
    footer = {"", "Example:", "  jimg export-tar debian debian.tar.zst", "  jimg export-tar debian - --format=gzip | ssh host ..."})
final class ExportTarCommand extends Verb {
  @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ImageNames.class, description = "The image.")
  String name;

  @Parameters(index = "1", paramLabel = "FILE|-", description = "The archive to write, or - for standard output.")
  String file;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "xz, gzip, bzip2, zstd or uncompressed (default: from the file's suffix).")
  String format;

  @Override
  void run() throws Exception {
    Exporter exporter = Exporter.builder(jimg.store()).format(TransferOptions.format(format))
        .listener(jimg.listener()).build();
    if (TransferOptions.isStandardStream(file)) {
      exporter.exportTar(name, TransferOptions.standardOutput());
    } else {
      exporter.exportTar(name, Path.of(file));
    }
  }
}
