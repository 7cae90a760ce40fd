package io.jimg.cli;

import io.jimg.images.Image;
import io.jimg.library.ImportRequest;
import io.jimg.library.Transfer;
import io.jimg.library.Transfers;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.OptionSpec;

final class ImportTarCommand extends ImportVerb {
  private final OptionSpec ignoreZeros = add(flag("--ignore-zeros").description(IGNORE_ZEROS));
  private final OptionSpec keepSelinuxLabels = add(flag("--keep-selinux-labels").description(
      "Restore the archive's security.selinux labels, dropped by default since they belong to the host's policy."));

  /** What --ignore-zeros does, for import-tar and pull-tar. */
  static final String IGNORE_ZEROS = "Read on past the end-of-archive blocks, as GNU tar --ignore-zeros does, "
      + "for archives concatenated on purpose (by default the archive ends there and what follows is ignored).";

  ImportTarCommand() {
    super("import-tar", "Import a tar archive (xz, gzip, bzip2, zstd or uncompressed, recognised by its first bytes) "
        + "as a new image. Hostile archives are refused naming the entry; nothing appears unless the import completes.");
    examples("jimg import-tar debian-12.tar.xz", "curl -s URL | jimg import-tar - debian");
  }

  @Override
  ImportRequest options(TransferOptions.ImportFlags shared) {
    boolean ignore = ignoreZeros.getValue();
    boolean keepLabels = keepSelinuxLabels.getValue();
    return shared.options(ignore, keepLabels);
  }

  @Override
  Transfer<Image> importFrom(Transfers transfers, Path source, String name, ImportRequest options) {
    return transfers.importTar(source, name, options);
  }

  @Override
  Transfer<Image> importFrom(Transfers transfers, InputStream source, String name, ImportRequest options) {
    return transfers.importTar(source, name, options);
  }
}
