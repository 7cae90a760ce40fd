package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import io.jimg.transfer.http.Sha256;
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
    try (Exchange exchange = transport.sendFollowing(request, Scope.pull(repository), name);
        Sha256 sha256 = Sha256.create()) {
      if (exchange.code() != 200) {
        throw RegistryErrors.failure(exchange, name);
      }
      long declared = exchange.response().body().contentLength();
      if (declared > blob.size()) {
        throw longer(name, blob);
      }
      byte[] buffer = new byte[Limits.BUFFER];
      long done = 0;
      try (InputStream in = exchange.response().body().byteStream()) {
        while (true) {
          // At most one byte past the declared size is ever read: that byte is the proof of a longer blob.
          int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, blob.size() - done + 1));
          if (n == 0) {
            break;
          }
          done += n;
          if (done > blob.size()) {
            throw longer(name, blob);
          }
          sha256.update(buffer, n);
          sink.write(buffer, 0, n);
          listener.progress(blob.digest(), done, blob.size());
          transport.cancellation.check();
        }
      }
      if (done != blob.size()) {
        throw new JimgException(JimgException.Reason.VERIFICATION, name + ": the registry sent " + done
            + " bytes, where its descriptor declares " + blob.size());
      }
      Digest actual = Digest.of(sha256);
      if (!actual.equals(blob.digest())) {
        throw new JimgException(JimgException.Reason.VERIFICATION, "digest mismatch for " + name
            + ": the bytes sent are " + actual);
      }
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  private static JimgException longer(String name, Descriptor blob) {
    return new JimgException(JimgException.Reason.VERIFICATION, name + ": the registry sends more than the "
        + blob.size() + " bytes its descriptor declares");
  }
}
