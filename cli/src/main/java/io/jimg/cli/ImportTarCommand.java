package io.jimg.cli;

import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

final class ImportTarCommand extends ImportVerb {
  ImportTarCommand() {
    super("import-tar", "Import a tar archive (xz, gzip, bzip2, zstd or uncompressed, recognised by its first bytes) "
        + "as a new image. Hostile archives are refused naming the entry; nothing appears unless the import completes.");
    examples("jimg import-tar debian-12.tar.xz", "curl -s URL | jimg import-tar - debian");
  }

  @Override
  void importFrom(Importer importer, Path source, String name) throws IOException {
    importer.importTar(source, name);
  }

  @Override
  void importFrom(Importer importer, InputStream source, String name) throws IOException {
    importer.importTar(source, name);
  }
}
