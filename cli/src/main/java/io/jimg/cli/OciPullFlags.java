package io.jimg.cli;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.pull.OciPullOptions;
import io.jimg.transfer.oci.pull.OciPuller;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.oci.registry.Platform;
import java.nio.file.Path;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** The options of {@code jimg pull} for an OCI image, and the pull itself through the library. */
final class OciPullFlags {
  static final String NOTE = "An OCI image's layers are kept in the pool as hidden read-only snapshots (on btrfs)"
      + " that later pulls of images on the same base reuse; 'jimg clean' removes those no image needs. Its config"
      + " becomes NAME.nspawn. Short names resolve through /etc/containers/registries.conf as podman resolves"
      + " them; credentials come from --creds, else $REGISTRY_AUTH_FILE, /run/containers/UID/auth.json,"
      + " ~/.config/containers/auth.json, ~/.docker/config.json.";

  private final Verb verb;
  private final OptionSpec platform;
  private final RegistryFlags registry;

  OciPullFlags(Verb verb) {
    this.verb = verb;
    platform = verb.add(Verb.option("OS/ARCH[/VARIANT]", "--platform")
        .description("The platform to pull an OCI image for (default: the host's)."));
    registry = new RegistryFlags(verb);
  }

  void pull(String source, String name, Path caFile, boolean force, boolean readOnly, long sizeMax, long cacheMax)
      throws Exception {
    OciPullOptions options;
    ImageReference reference;
    try {
      reference = ImageReference.parse(source);
      String platformText = platform.getValue();
      options = OciPullOptions.defaults()
          .withPlatform(platformText == null ? Platform.host() : Platform.parse(platformText))
          .withTlsVerify(registry.tlsVerify()).withCaFile(caFile)
          .withForce(force).withReadOnly(readOnly).withSizeMax(sizeMax).withCacheMax(cacheMax);
    } catch (JimgException | IllegalArgumentException e) {
      throw new ParameterException(verb.spec.commandLine(), e.getMessage());
    }
    Credentials credentials = registry.credentials();
    if (credentials != null) {
      options = options.withCredentials(credentials);
    }
    OciPuller.Pulled pulled = verb.jimg().root().transfers().pullOci(reference, name, options).await();
    verb.jimg().finish();
    if (!verb.jimg().quiet()) {
      verb.out().println("Pulled " + pulled.name() + " (" + pulled.manifest() + ", " + pulled.layers() + " layers, "
          + pulled.reused() + " of them already in the pool).");
    }
  }
}
