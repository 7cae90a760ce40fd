package io.jimg.cli;

import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;

@Command(name = "import-raw",
    description = "Import a raw or qcow2 disk image (compressed or not) as NAME.raw, byte for byte with its holes. "
        + "A qcow2 with a backing or external data file is refused.",
    footer = {"", "Example:", "  jimg import-raw fedora.qcow2 fedora"})
final class ImportRawCommand extends ImportVerb {
  @Override
  void importFrom(Importer importer, Path source) throws IOException {
    importer.importRaw(source, name);
  }

  @Override
  void importFrom(Importer importer, InputStream source) throws IOException {
    importer.importRaw(source, name);
  }
}
