package io.jimg.cli;

import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;

@Command(name = "import-tar",
    description = "Import a tar archive (xz, gzip, bzip2, zstd or uncompressed, recognised by its first bytes) as a "
        + "new image. Hostile archives are refused naming the entry; nothing appears unless the import completes.",
    footer = {"", "Example:", "  jimg import-tar debian-12.tar.xz", "  curl -s URL | jimg import-tar - debian"})
final class ImportTarCommand extends ImportVerb {
  @Override
  void importFrom(Importer importer, Path source) throws IOException {
    importer.importTar(source, name);
  }

  @Override
  void importFrom(Importer importer, InputStream source) throws IOException {
    importer.importTar(source, name);
  }
}
