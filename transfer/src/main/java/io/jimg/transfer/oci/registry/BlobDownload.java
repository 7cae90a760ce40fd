package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import okhttp3.Request;

/**
 * One blob streamed into the caller's sink while it is hashed: never more bytes than its descriptor declares
 * (one more ends the transfer at once), and a failure unless size and digest both match. Redirects to a CDN are
 * followed by the {@link Transport}, without the registry's credentials.
 */
final class BlobDownload {
  private static final String SENDER = "the registry";
  private final Transport transport;
  private final RegistryListener listener;

  BlobDownload(Transport transport, RegistryListener listener) {
    this.transport = transport;
    this.listener = listener;
  }

  void fetch(String repository, Descriptor blob, OutputStream sink) throws JimgException {
    String name = "blob " + blob.digest() + " of " + transport.registry + "/" + repository;
    Request.Builder request = new Request.Builder().get()
        .url(transport.url("/v2/" + repository + "/blobs/" + blob.digest()));
    try (Exchange exchange = transport.sendFollowing(request, Scope.pull(repository), name)) {
      if (exchange.code() != 200) {
        throw RegistryErrors.failure(exchange, name);
      }
      if (exchange.response().body().contentLength() > blob.size()) {
        throw VerifiedCopy.longer(name, SENDER, blob);
      }
      try (InputStream in = exchange.response().body().byteStream()) {
        VerifiedCopy.copy(in, blob, sink, name, SENDER, done -> {
          listener.progress(blob.digest(), done, blob.size());
          transport.cancellation.check();
        });
      }
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }
}
