package io.jimg.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "import-fs",
    description = "Copy a directory tree into a new image with owners, modes, times, xattrs, hard links and holes, "
        + "reflinking data where the filesystem can.",
    footer = {"", "Example:", "  jimg import-fs /srv/rootfs debian"})
final class ImportFsCommand extends Verb {
  @Parameters(index = "0", paramLabel = "DIR", description = "The directory to copy.")
  Path directory;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "The image's name (default: the directory's name).")
  String name;

  @Mixin TransferOptions.ImportOptions options;

  @Override
  void run() throws Exception {
    options.importer(jimg, spec).importFs(directory, name);
  }
}
