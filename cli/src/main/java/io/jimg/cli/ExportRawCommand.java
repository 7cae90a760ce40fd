package io.jimg.cli;

import io.jimg.transfer.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;

@Command(name = "export-raw",
    description = "Write a raw image's bytes, compressed as asked.",
    footer = {"", "Example:", "  jimg export-raw fedora fedora.raw.xz"})
final class ExportRawCommand extends ExportVerb {
  @Override
  void export(Exporter exporter, Path target) throws IOException {
    exporter.exportRaw(name, target);
  }

  @Override
  void export(Exporter exporter, OutputStream target) throws IOException {
    exporter.exportRaw(name, target);
  }
}
