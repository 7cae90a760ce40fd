package io.jimg.cli;

import io.jimg.library.ExportRequest;
import io.jimg.library.Transfer;
import io.jimg.library.Transfers;
import io.jimg.transfer.compress.Compression;
import java.io.OutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** What export-tar and export-raw share: an image written to a file or to standard output, compressed as asked. */
abstract class ExportVerb extends Verb {
  private final PositionalParamSpec name =
      add(parameter(0, "NAME").completionCandidates(IMAGE_NAMES).description("The image."));
  private final PositionalParamSpec file =
      add(parameter(1, "FILE|-").description("The file to write, or - for standard output."));
  private final OptionSpec format = add(option("FORMAT", "--format")
      .completionCandidates(TransferOptions.formatNames())
      .description("xz, gzip, bzip2, zstd or uncompressed (default: from the file's suffix)."));
  private final OptionSpec mode = add(option("OCTAL", "--mode")
      .description("The file's mode, such as 0640 (default: 0600 for a new file, an existing file's own)."));

  ExportVerb(String name, String description) {
    super(name, description);
    note("An existing FILE is replaced, as systemd-export replaces it (it opens FILE with O_TRUNC): jimg writes the "
        + "export beside it and renames it over FILE once complete, keeping FILE's owner and mode; a symbolic link "
        + "at FILE is refused. Where the reader of standard output stops early, the export ends quietly with 141, "
        + "as a tool killed by SIGPIPE does.");
  }

  @Override
  final void run() throws Exception {
    Compression compression = TransferOptions.format(format.getValue());
    String file = this.file.getValue();
    String mode = this.mode.getValue();
    if (mode != null && TransferOptions.isStandardStream(file)) {
      throw new ParameterException(spec.commandLine(), "--mode applies to a file, not to standard output");
    }
    ExportRequest options = new ExportRequest(compression, mode == null ? -1 : octal(mode));
    Transfers transfers = jimg().root().transfers();
    if (TransferOptions.isStandardStream(file)) {
      StandardOutput out = new StandardOutput(jimg().environment().streams().output());
      try {
        export(transfers, name.getValue(), out, options).await();
      } catch (Exception e) {
        if (!out.readerGone()) {
          throw e;
        }
        exitCode(StandardOutput.CLOSED_PIPE); // the reader has what it wanted: nothing to say
      }
    } else {
      export(transfers, name.getValue(), jimg().environment().path(file), options).await();
    }
  }

  private int octal(String mode) {
    if (!mode.matches("[0-7]{1,5}") || Integer.parseInt(mode, 8) > 07777) {
      throw new ParameterException(spec.commandLine(), "--mode takes an octal mode from 0 to 07777, such as 0640, not '"
          + mode + "'");
    }
    return Integer.parseInt(mode, 8);
  }

  abstract Transfer<Void> export(Transfers transfers, String name, Path target, ExportRequest options);

  abstract Transfer<Void> export(Transfers transfers, String name, OutputStream target, ExportRequest options);
}
