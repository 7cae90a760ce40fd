package io.jimg.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "import-raw",
    description = "Import a raw or qcow2 disk image (compressed or not) as NAME.raw, byte for byte with its holes. "
        + "A qcow2 with a backing or external data file is refused.",
    footer = {"", "Example:", "  jimg import-raw fedora.qcow2 fedora"})
final class ImportRawCommand extends Verb {
  @Parameters(index = "0", paramLabel = "FILE|-", description = "The image, or - for standard input.")
  String file;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "The image's name (default: the file name without its suffixes).")
  String name;

  @Mixin TransferOptions.ImportOptions options;

  @Override
  void run() throws Exception {
    if (TransferOptions.isStandardStream(file)) {
      options.importer(jimg, spec).importRaw(TransferOptions.standardInput(), name);
    } else {
      options.importer(jimg, spec).importRaw(Path.of(file), name);
    }
  }
}
