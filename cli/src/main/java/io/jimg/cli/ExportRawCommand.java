package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

final class ExportRawCommand extends ExportVerb {
  ExportRawCommand() {
    super("export-raw", "Write a raw image's bytes, compressed as asked.");
    examples("jimg export-raw fedora fedora.raw.xz");
  }

  @Override
  void export(Exporter exporter, String name, Path target) throws IOException {
    exporter.exportRaw(name, target);
  }

  @Override
  void export(Exporter exporter, String name, OutputStream target) throws IOException {
    exporter.exportRaw(name, target);
  }
}
