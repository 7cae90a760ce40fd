package io.jimg.cli;

import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

final class ImportRawCommand extends ImportVerb {
  ImportRawCommand() {
    super("import-raw", "Import a raw or qcow2 disk image (compressed or not) as NAME.raw, byte for byte with its "
        + "holes. A qcow2 with a backing or external data file is refused.");
    examples("jimg import-raw fedora.qcow2 fedora");
  }

  @Override
  void importFrom(Importer importer, Path source, String name) throws IOException {
    importer.importRaw(source, name);
  }

  @Override
  void importFrom(Importer importer, InputStream source, String name) throws IOException {
    importer.importRaw(source, name);
  }
}
