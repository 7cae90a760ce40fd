package io.jimg.cli;

import io.jimg.images.JimgException;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.push.PushOptions;
import io.jimg.transfer.oci.push.Pushed;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.oci.registry.Digest;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** {@code jimg push NAME docker://REGISTRY/REPOSITORY:TAG} (or {@code oci:DIR:TAG}): an image as an OCI image. */
final class PushCommand extends Verb {
  private final PositionalParamSpec name =
      add(parameter(0, "NAME").completionCandidates(IMAGE_NAMES).description("The image (a directory or subvolume)."));
  private final PositionalParamSpec reference = add(parameter(1, "REFERENCE")
      .description("docker://REGISTRY/REPOSITORY[:TAG] or oci:DIR[:TAG] (the tag: latest where none is written)."));
  private final OptionSpec format = add(option("gzip|zstd", "--format").defaultValue("gzip")
      .completionCandidates(List.of("gzip", "zstd"))
      .description("The layer's compression (default: ${DEFAULT-VALUE}, which every client reads)."));
  private final RegistryFlags registry = new RegistryFlags(this);
  private final OptionSpec caFile = add(option("FILE", "--ca-file").type(Path.class)
      .description("Also trust the PEM certificates in FILE for the registry's HTTPS."));

  PushCommand() {
    super("push", "Push an image to a registry or an image layout as an OCI image of one layer.");
    note("The layer is the whole tree, as export-tar writes it (owners, modes, xattrs, ACLs, hard links, devices, "
        + "holes); the image's NAME.nspawn comes back as the config's command (Parameters=, unless Boot=yes), "
        + "environment, user and working directory. Blobs the registry has are not sent again: a second push of an "
        + "unchanged image uploads nothing, and reads no tree where the image is a subvolume (its layer is recorded "
        + "beside it in the pool, and mounted from a repository of the same registry it went to before). Into a "
        + "repository with no tag yet, the layer is sent while it is exported. The manifest goes last, so an "
        + "interrupted push can simply be run again. "
        + "With --json, prints {\"digest\", \"reference\", \"layers\", \"uploaded\", \"skipped\"}.");
    examples("jimg push debian docker://registry.example:5000/debian:12",
        "jimg push app docker://127.0.0.1:5000/app:v1 --tls-verify=false --format=zstd",
        "jimg push debian oci:/srv/layouts/debian:12");
  }

  @Override
  void run() throws Exception {
    ImageReference target = ImageReference.parse(reference.getValue());
    PushOptions options = options();
    Pushed pushed = jimg().root().transfers().push(name.getValue(), target, options).await();
    jimg().finish();
    if (jimg().json()) {
      out().print(Json.write(json -> {
        json.writeStartObject();
        json.writeStringField("digest", pushed.digest().toString());
        json.writeStringField("reference", pushed.reference());
        json.writeArrayFieldStart("layers");
        for (Digest layer : pushed.layers()) {
          json.writeString(layer.toString());
        }
        json.writeEndArray();
        json.writeNumberField("uploaded", pushed.uploaded());
        json.writeNumberField("skipped", pushed.skipped());
        json.writeEndObject();
      }));
    } else if (!jimg().quiet()) {
      out().println("pushed " + Text.printable(name.getValue()) + " to " + Text.printable(pushed.reference()) + " ("
          + pushed.digest() + ")");
    }
  }

  private PushOptions options() throws JimgException {
    String formatName = format.getValue();
    Compression compression = switch (formatName) {
      case "gzip" -> Compression.GZIP;
      case "zstd" -> Compression.ZSTD;
      default -> throw new ParameterException(spec.commandLine(),
          "--format takes gzip or zstd, not '" + formatName + "'");
    };
    PushOptions options = PushOptions.defaults().withFormat(compression)
        .withTls(registry.tlsVerify(), caFile.getValue());
    Credentials credentials = registry.credentials();
    return credentials == null ? options : options.withCredentials(credentials, null);
  }
}
