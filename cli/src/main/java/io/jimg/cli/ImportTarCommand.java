package io.jimg.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "import-tar",
    description = "Import a tar archive (xz, gzip, bzip2, zstd or uncompressed, recognised by its first bytes) as a "
        + "new image. Hostile archives are refused naming the entry; nothing appears unless the import completes.",
    footer = {"", "Example:", "  jimg import-tar debian-12.tar.xz", "  curl -s URL | jimg import-tar - debian"})
final class ImportTarCommand extends Verb {
  @Parameters(index = "0", paramLabel = "FILE|-", description = "The archive, or - for standard input.")
  String file;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "The image's name (default: the file name without its suffixes).")
  String name;

  @Mixin TransferOptions.ImportOptions options;

  @Override
  void run() throws Exception {
    if (TransferOptions.isStandardStream(file)) {
      options.importer(jimg, spec).importTar(TransferOptions.standardInput(), name);
    } else {
      options.importer(jimg, spec).importTar(Path.of(file), name);
    }
  }
}
