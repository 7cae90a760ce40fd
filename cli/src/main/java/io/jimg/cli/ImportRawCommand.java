package io.jimg.cli;

import io.jimg.images.Image;
import io.jimg.library.ImportRequest;
import io.jimg.library.Transfer;
import io.jimg.library.Transfers;
import java.io.InputStream;
import java.nio.file.Path;

final class ImportRawCommand extends ImportVerb {
  ImportRawCommand() {
    super("import-raw", "Import a raw or qcow2 disk image (compressed or not) as NAME.raw, byte for byte with its "
        + "holes. A qcow2 with a backing or external data file is refused.");
    examples("jimg import-raw fedora.qcow2 fedora");
  }

  @Override
  Transfer<Image> importFrom(Transfers transfers, Path source, String name, ImportRequest options) {
    return transfers.importRaw(source, name, options);
  }

  @Override
  Transfer<Image> importFrom(Transfers transfers, InputStream source, String name, ImportRequest options) {
    return transfers.importRaw(source, name, options);
  }
}
