package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * One blob pushed to a registry: started with a POST, then sent in one PUT where it is small, or in PATCH
 * chunks where it is large; a chunk whose connection fails is resumed from the offset the registry says it
 * holds (a GET of the upload's location), not from the start. Where the registry no longer knows the upload
 * (docker-registry 2.8 keeps the part of a broken chunk it read, and then refuses the state its last answer gave,
 * with a 404), the blob starts again in a new upload. So it does where the registry refuses the chunk sent from
 * the offset it named: its status can answer before it has stored what it read of the broken chunk, and the
 * resumed chunk then no longer fits (400 BLOB_UPLOAD_INVALID, 416). A blob still being written is streamed instead,
 * in one PATCH that follows it, and completed once its digest is known.
 */
final class BlobUpload {
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-(\\d{1,18})");
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  /** Resumes of one upload; a registry that keeps dropping it is reported after these. */
  private static final int MAX_RESUMES = 5;

  /** When uploads go in chunks, and how large they are. */
  record Chunking(long threshold, long chunkSize) {}

  private final Transport transport;
  private final RegistryListener listener;
  private final Chunking chunking;

  BlobUpload(Transport transport, RegistryListener listener, Chunking chunking) {
    this.transport = transport;
    this.listener = listener;
    this.chunking = chunking;
  }

  void upload(String repository, Descriptor blob, BlobSource source) throws JimgException {
    String name = "upload of blob " + blob.digest() + " to " + transport.registry + "/" + repository;
    Scope scope = Scope.push(repository);
    try {
      HttpUrl location = start(repository, scope, name);
      if (blob.size() > chunking.threshold()) {
        location = sendChunks(repository, location, blob, source, scope, name);
        finish(location, blob, RequestBody.create(new byte[0], OCTETS), scope, name);
      } else {
        finish(location, blob, new SourceBody(source, "blob " + blob.digest(), 0, blob.size(), progress(blob)), scope, name);
      }
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  /**
   * Sends a blob whose digest and size are known only once it is all written, in one PATCH of the growing source
   * from its start to its end (chunked transfer encoding, as skopeo streams a blob); returns the upload's location,
   * which {@link #finishStream} completes. Nothing here resumes: where this fails, the caller uploads the finished
   * blob with {@link #upload}.
   */
  HttpUrl stream(String repository, BlobSource growing, LongConsumer sent) throws JimgException {
    String name = "streamed upload of a blob to " + transport.registry + "/" + repository;
    Scope scope = Scope.push(repository);
    try {
      HttpUrl location = start(repository, scope, name);
      Request.Builder request = new Request.Builder().url(location)
          .patch(new SourceBody(growing, "the streamed blob", 0, -1, sent));
      try (Exchange exchange = transport.send(request, scope)) {
        if (exchange.code() != 202) {
          throw RegistryErrors.failure(exchange, name);
        }
        return location(exchange, name);
      }
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  /** Completes a {@link #stream streamed} upload under the blob's digest, which the registry checks. */
  void finishStream(String repository, HttpUrl location, Descriptor blob) throws JimgException {
    String name = "upload of blob " + blob.digest() + " to " + transport.registry + "/" + repository;
    try {
      finish(location, blob, RequestBody.create(new byte[0], OCTETS), Scope.push(repository), name);
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  private LongConsumer progress(Descriptor blob) {
    return done -> listener.progress(blob.digest(), done, blob.size());
  }

  private HttpUrl start(String repository, Scope scope, String name) throws IOException {
    Request.Builder request = new Request.Builder().url(transport.url("/v2/" + repository + "/blobs/uploads/"))
        .post(RequestBody.create(new byte[0], OCTETS));
    try (Exchange exchange = transport.send(request, scope)) {
      if (exchange.code() != 202) {
        throw RegistryErrors.failure(exchange, name);
      }
      return location(exchange, name);
    }
  }

  private HttpUrl sendChunks(String repository, HttpUrl location, Descriptor blob, BlobSource source, Scope scope,
      String name) throws IOException {
    long offset = 0;
    int resumes = 0;
    boolean resumedMidway = false;
    while (offset < blob.size()) {
      long length = Math.min(chunking.chunkSize(), blob.size() - offset);
      Request.Builder request = new Request.Builder().url(location)
          .header("Content-Range", offset + "-" + (offset + length - 1))
          .patch(new SourceBody(source, "blob " + blob.digest(), offset, length, progress(blob)));
      try (Exchange exchange = transport.send(request, scope)) {
        if (exchange.code() != 202) {
          if (!resumedMidway || !refusesTheOffset(exchange.code()) || ++resumes > MAX_RESUMES) {
            throw RegistryErrors.failure(exchange, name);
          }
          location = start(repository, scope, name);
          offset = 0;
          resumedMidway = false;
          listener.resumed(blob.digest(), offset);
          continue;
        }
        location = location(exchange, name);
        offset += length;
        resumedMidway = false;
      } catch (JimgException e) {
        throw e;
      } catch (IOException e) {
        transport.cancellation.check();
        if (++resumes > MAX_RESUMES) {
          throw e;
        }
        offset = received(location, scope, name);
        if (offset < 0) {
          location = start(repository, scope, name);
          offset = 0;
        }
        resumedMidway = offset > 0;
        listener.resumed(blob.digest(), offset);
      }
    }
    return location;
  }

  /** Whether an answer to a chunk sent from a resumed offset says the upload is not at that offset. */
  private static boolean refusesTheOffset(int code) {
    return code == 400 || code == 404 || code == 416;
  }

  /**
   * How many bytes of the upload the registry holds, from the Range of its upload status; -1 where it knows the
   * upload no more (404).
   */
  private long received(HttpUrl location, Scope scope, String name) throws IOException {
    try (Exchange exchange = transport.send(new Request.Builder().url(location).get(), scope)) {
      if (exchange.code() == 404) {
        return -1;
      }
      if (exchange.code() != 204) {
        throw RegistryErrors.failure(exchange, name);
      }
      String range = exchange.header("Range");
      if (range == null) {
        return 0;
      }
      Matcher matcher = RANGE.matcher(range.trim());
      if (!matcher.matches()) {
        throw transport.failure(name, "an upload status with Range " + RegistryErrors.quoted(range));
      }
      return Long.parseLong(matcher.group(1)) + 1;
    }
  }

  private void finish(HttpUrl location, Descriptor blob, RequestBody body, Scope scope, String name)
      throws IOException {
    Request.Builder request = new Request.Builder().put(body)
        .url(location.newBuilder().addQueryParameter("digest", blob.digest().toString()).build());
    try (Exchange exchange = transport.send(request, scope)) {
      if (exchange.code() != 201) {
        throw RegistryErrors.failure(exchange, name);
      }
    }
  }

  /** The Location of an upload answer, resolved against the URL asked; it must stay on the registry. */
  private HttpUrl location(Exchange exchange, String name) throws JimgException {
    String location = exchange.header("Location");
    HttpUrl url = location == null ? null : exchange.response().request().url().resolve(location.trim());
    if (url == null) {
      throw transport.failure(name, "the registry answered " + exchange.code() + " without a usable Location");
    }
    if (!transport.isRegistry(url)) {
      throw transport.failure(name, "the registry sends the upload to another host, "
          + RegistryErrors.quoted(url.toString()));
    }
    return url;
  }

  /**
   * Bytes {@code offset} to {@code offset + length} of the source, or from {@code offset} to its end where the length
   * is -1 (a blob still being written, sent in chunked transfer encoding), read afresh on each write (a request sent
   * again after a 401 sends them again), the cancellation checked between buffers and {@code sent} told how far
   * the blob has gone.
   */
  private final class SourceBody extends RequestBody {
    private final BlobSource source;
    private final String what;
    private final long offset;
    private final long length;
    private final LongConsumer sent;

    SourceBody(BlobSource source, String what, long offset, long length, LongConsumer sent) {
      this.source = source;
      this.what = what;
      this.offset = offset;
      this.length = length;
      this.sent = sent;
    }

    @Override
    public MediaType contentType() {
      return OCTETS;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      byte[] buffer = new byte[Limits.BUFFER];
      long wanted = length < 0 ? Long.MAX_VALUE : length;
      try (InputStream in = source.openAt(offset)) {
        for (long done = 0; done < wanted; ) {
          transport.cancellation.check();
          int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, wanted - done));
          if (n == 0) {
            if (length < 0) {
              return;
            }
            throw new JimgException(JimgException.Reason.FAILED, "the source of " + what + " ended after "
                + (offset + done) + " bytes, short of " + (offset + length));
          }
          sink.write(buffer, 0, n);
          done += n;
          sent.accept(offset + done);
        }
      }
    }
  }
}
