package io.jimg.transfer.oci.pull;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.oci.DockerReference;
import io.jimg.transfer.oci.RegistryRoute;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.Limits;
import io.jimg.transfer.oci.registry.RegistryClient;
import io.jimg.transfer.oci.registry.RegistryListener;
import io.jimg.transfer.oci.registry.Resolved;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An image in a registry, along its route: the mirrors in order, then the primary, the first that has the image
 * serving the manifest, the config and every layer. A mirror that fails or lacks the image is passed over; a
 * digest that does not match is not (the image is wrong, not missing), nor is a cancel.
 */
final class RegistrySource implements ImageSource {
  private final RegistryRoute route;
  private final OciPullOptions options;
  private final Fetcher fetcher;
  private final Supplier<Credentials> credentials;
  private final Cancellation cancellation;
  private final AtomicReference<ImageSource.Progress> progress = new AtomicReference<>(done -> {});
  private RegistryClient client;
  private String repository;

  RegistrySource(RegistryRoute route, OciPullOptions options, Fetcher fetcher, Supplier<Credentials> credentials,
      Cancellation cancellation) {
    this.route = route;
    this.options = options;
    this.fetcher = fetcher;
    this.credentials = credentials;
    this.cancellation = cancellation;
  }

  @Override
  public Manifest manifest() throws JimgException {
    DockerReference reference = route.reference();
    List<String> passed = new ArrayList<>();
    List<RegistryRoute.Endpoint> order = route.pullOrder();
    for (int i = 0; i < order.size(); i++) {
      RegistryRoute.Endpoint endpoint = order.get(i);
      RegistryClient candidate = client(endpoint);
      try {
        Resolved resolved = candidate.resolve(endpoint.repository(), reference.manifestReference(),
            options.platform());
        client = candidate;
        repository = endpoint.repository();
        byte[] config = configOf(resolved);
        return new Manifest(resolved.digest(), resolved.manifest(), config);
      } catch (JimgException e) {
        boolean last = i == order.size() - 1;
        if (last || e.reason() == Reason.VERIFICATION || e.reason() == Reason.CANCELLED) {
          throw passed.isEmpty() ? e : new JimgException(e.reason(), e.getMessage() + " (after the mirrors: "
              + String.join("; ", passed) + ")", e);
        }
        passed.add(endpoint.host() + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException("a route has its primary");
  }

  private byte[] configOf(Resolved resolved) throws JimgException {
    Descriptor config = resolved.manifest().config();
    if (config.size() > Limits.MAX_DOCUMENT) {
      throw new JimgException(Reason.FAILED, describe() + ": its config is larger than "
          + (Limits.MAX_DOCUMENT >> 20) + " MiB");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) config.size());
    client.fetchBlob(repository, config, bytes);
    return bytes.toByteArray();
  }

  private RegistryClient client(RegistryRoute.Endpoint endpoint) throws JimgException {
    return RegistryClient.builder(endpoint.host()).fetcher(fetcher)
        .insecure(endpoint.insecure() || !options.tlsVerify()).credentials(credentials)
        .cancellation(cancellation).listener(new RegistryListener() {
          @Override
          public void progress(Digest blob, long done, long total) {
            progress.get().copied(done);
          }
        }).build();
  }

  /** One blob at a time per source: the pull's downloads run one after another on one thread. */
  @Override
  public void copyBlob(Descriptor blob, OutputStream sink, ImageSource.Progress heard) throws JimgException {
    progress.set(heard);
    try {
      client.fetchBlob(repository, blob, sink);
    } finally {
      progress.set(done -> {});
    }
  }

  @Override
  public String describe() {
    return "docker://" + route.reference();
  }

  @Override
  public void close() {}
}
