package io.jimg.transfer.oci.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.Scratch;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.oci.AuthFiles;
import io.jimg.transfer.oci.DockerReference;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.OciArchive;
import io.jimg.transfer.oci.OciLayout;
import io.jimg.transfer.oci.RegistriesConf;
import io.jimg.transfer.oci.RegistryRoute;
import io.jimg.transfer.oci.ShortNames;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.tar.TarImport;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Opens the source a reference names. {@code docker://}: a short name resolved from registries.conf, the route
 * (mirrors, then the primary; insecure where registries.conf says or the pull turns TLS verification off), and
 * the credentials the options give, else podman's and docker's files', else none. {@code oci:}: the layout
 * directory. {@code oci-archive:}: the archive unpacked with import-tar's rules under a scratch name of the pool,
 * which goes with the source.
 */
final class ImageSources {
  private ImageSources() {}

  static ImageSource open(ImageReference reference, OciPullOptions options, OciEnvironment environment,
      ImageStore store, Cancellation cancellation) throws IOException {
    return switch (reference.transport()) {
      case DOCKER -> registry(reference.docker().orElseThrow(), options, environment, cancellation);
      case OCI -> new LayoutSource(OciLayout.open(reference.path().orElseThrow()),
          reference.layoutTag().orElse(null), options.platform(), reference.toString(), cancellation, null);
      case OCI_ARCHIVE -> archive(reference, options, store, cancellation);
    };
  }

  /** The fully qualified reference a docker:// reference stands for under the host's registries.conf. */
  static DockerReference qualified(DockerReference reference, OciEnvironment environment) throws JimgException {
    return new ShortNames(RegistriesConf.load(environment.configRoot())).resolve(reference);
  }

  private static ImageSource registry(DockerReference written, OciPullOptions options, OciEnvironment environment,
      Cancellation cancellation) throws JimgException {
    RegistriesConf conf = RegistriesConf.load(environment.configRoot());
    DockerReference reference = new ShortNames(conf).resolve(written);
    RegistryRoute route = RegistryRoute.of(conf, reference);
    Credentials given = options.credentials();
    Credentials found = given != null ? given
        : new AuthFiles(environment.variables(), environment.home(), environment.uid()).find(reference)
            .map(AuthFiles.Found::credentials).orElse(null);
    Supplier<Credentials> credentials = () -> found;
    Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(environment.variables())
        .withCaFile(options.caFile()));
    return new RegistrySource(route, options, fetcher, credentials, cancellation);
  }

  private static ImageSource archive(ImageReference reference, OciPullOptions options, ImageStore store,
      Cancellation cancellation) throws IOException {
    Scratch scratch = store.scratch();
    try {
      TarImport unpack = TarImport.builder().cancellation(cancellation).build();
      OciLayout layout = OciArchive.extract(reference.path().orElseThrow(), scratch, unpack);
      return new LayoutSource(layout, reference.layoutTag().orElse(null), options.platform(), reference.toString(),
          cancellation, scratch);
    } catch (IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
  }
}
