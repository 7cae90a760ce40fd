package io.jimg.cli;

import io.jimg.library.ExportRequest;
import io.jimg.library.Transfer;
import io.jimg.library.Transfers;
import java.io.OutputStream;
import java.nio.file.Path;

final class ExportTarCommand extends ExportVerb {
  ExportTarCommand() {
    super("export-tar", "Write an image as a tar archive that GNU tar and systemd-import read back to the same tree.");
    examples("jimg export-tar debian debian.tar.zst", "jimg export-tar debian - --format=gzip | ssh host ...");
  }

  @Override
  Transfer<Void> export(Transfers transfers, String name, Path target, ExportRequest options) {
    return transfers.exportTar(name, target, options);
  }

  @Override
  Transfer<Void> export(Transfers transfers, String name, OutputStream target, ExportRequest options) {
    return transfers.exportTar(name, target, options);
  }
}
