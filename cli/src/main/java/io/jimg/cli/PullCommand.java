package io.jimg.cli;

import io.jimg.transfer.pull.ImageFormat;
import io.jimg.transfer.pull.PullOptions;
import io.jimg.transfer.pull.Puller;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

class PullCommand extends Verb {
  private final PositionalParamSpec url =
      add(parameter(0, "URL").type(URI.class).description("http, https or file URL of the image."));
  private final PositionalParamSpec name = add(optionalParameter(1, "NAME")
      .description("The new image's name (default: the URL's file name without its suffixes)."));
  private final OptionSpec format =
      add(option("tar|raw", "--format").completionCandidates(List.of("tar", "raw")).description("Override the format the URL's suffix tells."));
  private final OptionSpec verify = add(option("signature|checksum|no|SHA256", "--verify").defaultValue("signature")
      .completionCandidates(List.of("signature", "checksum", "no"))
      .description("What proves the download (default: ${DEFAULT-VALUE})."));
  private final OptionSpec keyrings = add(option("FILE", "--keyring").type(List.class).auxiliaryTypes(Path.class)
      .initialValue(new ArrayList<Path>()).description("Trust the keys in FILE (repeatable)."));
  private final OptionSpec force = add(flag("--force").description("Replace an existing image of that name."));
  private final OptionSpec readOnly = add(flag("--read-only").description("Make the new image read-only."));
  private final OptionSpec settings = add(option("BOOL", "--settings").defaultValue("yes")
      .completionCandidates(new BooleanWords())
      .description("Fetch NAME.nspawn beside the image and install it beside the image in the pool (default: yes)."));
  private final OptionSpec keepDownload = add(option("BOOL", "--keep-download").defaultValue("yes")
      .completionCandidates(new BooleanWords())
      .description("Keep a hidden read-only copy to reuse while the server says it is unchanged (default: yes)."));
  private final OptionSpec caFile = add(option("FILE", "--ca-file").type(Path.class)
      .description("Also trust the PEM certificates in FILE for HTTPS."));
  private final OptionSpec sizeMax =
      add(option("SIZE", "--size-max").description("Refuse a download larger than SIZE (default: 64G)."));
  private final OptionSpec cacheMax =
      add(option("SIZE", "--cache-max").description("Keep the pull cache under SIZE (default: 8G)."));
  private final ImageFormat verbFormat;
  /** --ignore-zeros, on the verbs that may pull a tar archive; null on pull-raw. */
  private final OptionSpec ignoreZeros;

  PullCommand() {
    this("pull", "Download a tar or raw image over HTTP(S), verify it, and add it to the pool.", null,
        "jimg pull https://example.org/images/debian.tar.xz debian");
  }

  /** A pull verb whose format is {@code verbFormat} whatever the URL says, or the URL's where it is null. */
  PullCommand(String name, String description, ImageFormat verbFormat, String example) {
    super(name, description);
    this.verbFormat = verbFormat;
    this.ignoreZeros = verbFormat == ImageFormat.RAW ? null
        : add(flag("--ignore-zeros").description(ImportTarCommand.IGNORE_ZEROS));
    note("The checksum file (FILE.sha256, else SHA256SUMS) and its detached signature (.gpg, else .asc) are "
        + "checked before the image is used. Keys: --keyring, else /etc/jimg/trusted.gpg.d/*.gpg|*.asc, else "
        + "/etc/systemd/import-pubring.gpg or /usr/lib/systemd/import-pubring.gpg.");
    examples(example);
  }

  @Override
  void run() throws Exception {
    PullOptions options = options();
    Path caFile = this.caFile.getValue();
    Puller.Pulled pulled =
        jimg().root().transfers().pull(url.getValue(), name.getValue(), options, caFile, ignoreZeros()).await();
    jimg().finish();
    if (!jimg().quiet()) {
      out().println("Pulled " + pulled.name() + " (SHA-256 " + pulled.sha256()
          + (pulled.signers().isEmpty() ? "" : ", signed by key " + pulled.signers().get(0).primaryKeyId())
          + (pulled.fromCache() ? ", unchanged on the server: made from the cache" : "") + ").");
    }
  }

  private boolean ignoreZeros() {
    if (ignoreZeros == null) {
      return false;
    }
    boolean ignore = ignoreZeros.getValue();
    return ignore;
  }

  private PullOptions options() {
    try {
      List<Path> keyrings = this.keyrings.getValue();
      boolean force = this.force.getValue();
      boolean readOnly = this.readOnly.getValue();
      String sizeMax = this.sizeMax.getValue();
      String cacheMax = this.cacheMax.getValue();
      PullOptions.Builder options = PullOptions.builder().verify(verify.getValue()).keyrings(keyrings)
          .force(force).readOnly(readOnly).settings(Booleans.parse(settings.getValue()))
          .keepDownload(Booleans.parse(keepDownload.getValue())).format(format());
      if (sizeMax != null) {
        options.sizeMax(Sizes.parse(sizeMax));
      }
      if (cacheMax != null) {
        options.cacheMax(Sizes.parse(cacheMax));
      }
      return options.build();
    } catch (IllegalArgumentException | io.jimg.images.JimgException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private ImageFormat format() {
    if (verbFormat != null) {
      return verbFormat;
    }
    String format = this.format.getValue();
    if (format == null) {
      return null;
    }
    return switch (format) {
      case "tar" -> ImageFormat.TAR;
      case "raw" -> ImageFormat.RAW;
      default -> throw new IllegalArgumentException("--format takes tar or raw, not '" + format + "'");
    };
  }
}
