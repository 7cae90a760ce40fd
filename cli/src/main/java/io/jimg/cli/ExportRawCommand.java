package io.jimg.cli;

import io.jimg.library.ExportRequest;
import io.jimg.library.Transfer;
import io.jimg.library.Transfers;
import java.io.OutputStream;
import java.nio.file.Path;

final class ExportRawCommand extends ExportVerb {
  ExportRawCommand() {
    super("export-raw", "Write a raw image's bytes, compressed as asked.");
    examples("jimg export-raw fedora fedora.raw.xz");
  }

  @Override
  Transfer<Void> export(Transfers transfers, String name, Path target, ExportRequest options) {
    return transfers.exportRaw(name, target, options);
  }

  @Override
  Transfer<Void> export(Transfers transfers, String name, OutputStream target, ExportRequest options) {
    return transfers.exportRaw(name, target, options);
  }
}
