package io.jimg.cli;

import io.jimg.transfer.pull.ImageFormat;
import io.jimg.transfer.pull.PullOptions;
import io.jimg.transfer.pull.Puller;
import io.jimg.transfer.oci.ImageReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

class PullCommand extends Verb {
  private final PositionalParamSpec url = add(parameter(0, "URL")
      .description("http, https or file URL of the image; on pull, also an OCI image: docker://[REGISTRY/]"
          + "REPOSITORY[:TAG|@DIGEST], oci:DIR[:TAG] or oci-archive:FILE[:TAG]."));
  private final PositionalParamSpec name = add(optionalParameter(1, "NAME")
      .description("The new image's name (default: the URL's file name without its suffixes; an OCI image's"
          + " repository's last component)."));
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
      add(option("SIZE", "--cache-max").description("Keep the pull cache, or an OCI pull's layers, under SIZE"
          + " (default: 8G)."));
  private final ImageFormat verbFormat;
  /** --ignore-zeros, on the verbs that may pull a tar archive; null on pull-raw. */
  private final OptionSpec ignoreZeros;
  /** The options of an OCI pull, on the verb that takes one ({@code pull}); null on pull-tar and pull-raw. */
  private final OciPullFlags oci;

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
    this.oci = verbFormat == null ? new OciPullFlags(this) : null;
    note("The checksum file (FILE.sha256, else SHA256SUMS) and its detached signature (.gpg, else .asc) are "
        + "checked before the image is used. Keys: --keyring, else /etc/jimg/trusted.gpg.d/*.gpg|*.asc, else "
        + "/etc/systemd/import-pubring.gpg or /usr/lib/systemd/import-pubring.gpg.");
    if (oci != null) {
      note(OciPullFlags.NOTE);
    }
    examples(example);
  }

  @Override
  void run() throws Exception {
    String source = url.getValue();
    if (oci != null && ImageReference.hasTransport(source)) {
      refuseUrlOptions();
      oci.pull(source, name.getValue(), caFile.getValue(), force.getValue(), readOnly.getValue(), sizeMax(),
          cacheMax());
      return;
    }
    PullOptions options = options();
    Path caFile = this.caFile.getValue();
    Puller.Pulled pulled = jimg().root().transfers().pull(uri(source), name.getValue(), options, caFile,
        ignoreZeros()).await();
    jimg().finish();
    if (!jimg().quiet()) {
      out().println("Pulled " + pulled.name() + " (SHA-256 " + pulled.sha256()
          + (pulled.signers().isEmpty() ? "" : ", signed by key " + pulled.signers().get(0).primaryKeyId())
          + (pulled.fromCache() ? ", unchanged on the server: made from the cache" : "") + ").");
    }
  }

  private URI uri(String source) {
    try {
      return new URI(source);
    } catch (URISyntaxException e) {
      throw new ParameterException(spec.commandLine(), "invalid value for parameter 'URL': '" + source + "' is no"
          + " URL (" + e.getReason() + ")" + (oci == null ? "" : "; an OCI image is docker://…, oci:… or"
          + " oci-archive:…"));
    }
  }

  /** The options that only a download from a URL has. */
  private void refuseUrlOptions() {
    for (OptionSpec option : List.of(format, verify, keyrings, settings, keepDownload)) {
      if (!option.originalStringValues().isEmpty()) {
        throw new ParameterException(spec.commandLine(), option.longestName() + " applies to a pull from a URL,"
            + " not to an OCI image");
      }
    }
    if (ignoreZeros != null && !ignoreZeros.originalStringValues().isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--ignore-zeros applies to a pull from a URL, not to an OCI"
          + " image");
    }
  }

  private long sizeMax() {
    return size(sizeMax, -1);
  }

  /** --cache-max for an OCI pull: the pool's layers are a cache bounded as the pull cache is. */
  private long cacheMax() {
    return size(cacheMax, PullOptions.DEFAULT_CACHE_MAX);
  }

  private long size(OptionSpec option, long otherwise) {
    String value = option.getValue();
    try {
      return value == null ? otherwise : Sizes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private boolean ignoreZeros() {
    return ignoreZeros != null && (boolean) ignoreZeros.getValue();
  }

  private PullOptions options() {
    try {
      List<Path> keyrings = this.keyrings.getValue();
      boolean force = this.force.getValue();
      boolean readOnly = this.readOnly.getValue();
      PullOptions.Builder options = PullOptions.builder().verify(verify.getValue()).keyrings(keyrings)
          .force(force).readOnly(readOnly).settings(Booleans.parse(settings.getValue()))
          .keepDownload(Booleans.parse(keepDownload.getValue())).format(format()).cacheMax(cacheMax());
      if (sizeMax.getValue() != null) {
        options.sizeMax(sizeMax()); // a URL's download has a default cap of its own, an OCI layer none
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
