package io.jimg.cli;

import io.jimg.images.JimgException;
import io.jimg.transfer.compress.Compression;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** The options the import and export verbs share, and their standard streams for "-". */
final class TransferOptions {
  private TransferOptions() {}

  /** --force, --read-only and --size-max of the import verbs, added to the verb that makes one. */
  static final class ImportFlags {
    private final Verb verb;
    private final OptionSpec force;
    private final OptionSpec readOnly;
    private final OptionSpec sizeMax;

    ImportFlags(Verb verb) {
      this.verb = verb;
      force = verb.add(Verb.flag("--force")
          .description("Replace an existing image of the same name, once the new one is whole."));
      readOnly = verb.add(Verb.flag("--read-only").description("Make the new image read-only."));
      sizeMax = verb.add(Verb.option("SIZE", "--size-max")
          .description("Refuse to unpack more than SIZE (K, M, G, T in powers of 1024), or a disk image "
              + "larger; with or without it, stop before the pool's filesystem drops below 5%% free."));
    }

    /** The library's import options, as these and the tar verb's own ({@code ignoreZeros}, …) ask. */
    io.jimg.library.ImportRequest options(boolean ignoreZeros, boolean keepSelinuxLabels) {
      String sizeMax = this.sizeMax.getValue();
      boolean force = this.force.getValue();
      boolean readOnly = this.readOnly.getValue();
      long limit = -1;
      if (sizeMax != null) {
        try {
          limit = Sizes.parse(sizeMax);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(verb.spec.commandLine(), e.getMessage());
        }
      }
      return new io.jimg.library.ImportRequest(force, readOnly, limit, ignoreZeros, keepSelinuxLabels);
    }
  }

  static boolean isStandardStream(String file) {
    return "-".equals(file);
  }

  /** What --format takes, for the completion script. */
  static List<String> formatNames() {
    List<String> names = new ArrayList<>();
    for (Compression compression : Compression.values()) {
      names.add(compression.formatName());
    }
    return names;
  }

  /** --format's value, or null to choose by the file's suffix. */
  static Compression format(String format) throws JimgException {
    return format == null ? null : Compression.fromFormatName(format);
  }
}
