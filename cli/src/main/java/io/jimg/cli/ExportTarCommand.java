package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

final class ExportTarCommand extends ExportVerb {
  ExportTarCommand() {
    super("export-tar", "Write an image as a tar archive that GNU tar and systemd-import read back to the same tree.");
    examples("jimg export-tar debian debian.tar.zst", "jimg export-tar debian - --format=gzip | ssh host ...");
  }

  @Override
  void export(Exporter exporter, String name, Path target) throws IOException {
    exporter.exportTar(name, target);
  }

  @Override
  void export(Exporter exporter, String name, OutputStream target) throws IOException {
    exporter.exportTar(name, target);
  }
}
