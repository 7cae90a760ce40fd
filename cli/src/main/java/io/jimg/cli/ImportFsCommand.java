package io.jimg.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ImportFsCommand extends Verb {
  private final PositionalParamSpec directory =
      add(parameter(0, "DIR").type(Path.class).description("The directory to copy."));
  private final PositionalParamSpec name =
      add(optionalParameter(1, "NAME").description("The image's name (default: the directory's name)."));
  private final TransferOptions.ImportFlags options = new TransferOptions.ImportFlags(this);

  ImportFsCommand() {
    super("import-fs", "Copy a directory tree into a new image with owners, modes, times, xattrs, hard links and "
        + "holes, reflinking data where the filesystem can.");
    examples("jimg import-fs /srv/rootfs debian");
  }

  @Override
  void run() throws Exception {
    jimg().root().transfers().importFs(directory.getValue(), name.getValue(), options.options(false, false)).await();
  }
}
