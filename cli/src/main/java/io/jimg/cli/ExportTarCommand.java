package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;

@Command(name = "export-tar",
    description = "Write an image as a tar archive that GNU tar and systemd-import read back to the same tree.",
    footer = {"", "Example:", "  jimg export-tar debian debian.tar.zst", "  jimg export-tar debian - --format=gzip | ssh host ..."})
final class ExportTarCommand extends ExportVerb {
  @Override
  void export(Exporter exporter, Path target) throws IOException {
    exporter.exportTar(name, target);
  }

  @Override
  void export(Exporter exporter, OutputStream target) throws IOException {
    exporter.exportTar(name, target);
  }
}
