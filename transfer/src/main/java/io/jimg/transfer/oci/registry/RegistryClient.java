package io.jimg.transfer.oci.registry;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * A client of one registry (OCI distribution spec v1.1, Docker's registry API v2): resolves references to
 * verified manifests, streams verified blobs, and pushes blobs and manifests. Every answer is hostile: sizes
 * and counts are bounded, every byte is checked against the digest that named it, and credentials go only to the
 * registry and to the token server it names over https. One client serves one operation's thread at a time;
 * its tokens are kept for the client's life.
 */
public final class RegistryClient {
  /** Blobs up to this size go in one PUT; larger ones in chunks of {@link #CHUNK_SIZE}. */
  public static final long CHUNK_THRESHOLD = 32L * 1024 * 1024;
  public static final long CHUNK_SIZE = 16L * 1024 * 1024;
  /** A host name or an IPv4 address, or an IPv6 address in brackets; then an optional port. */
  private static final Pattern REGISTRY =
      Pattern.compile("(?:[A-Za-z0-9.-]{1,253}|\\[[0-9a-fA-F:.]+\\])(?::\\d{1,5})?");

  private final Transport transport;
  private final ManifestResolver resolver;
  private final BlobDownload downloads;
  private final BlobUpload uploads;

  private RegistryClient(Builder builder, Fetcher fetcher) {
    this.transport = new Transport(builder.registry, builder.insecure, fetcher, builder.cancellation,
        new Authorizer.Settings(builder.credentials, builder.clock));
    this.resolver = new ManifestResolver(transport);
    this.downloads = new BlobDownload(transport, builder.listener);
    this.uploads = new BlobUpload(transport, builder.listener, builder.chunking);
  }

  /** A client of the registry at {@code registry} ({@code HOST[:PORT]}). */
  public static Builder builder(String registry) {
    return new Builder(registry);
  }

  /** {@code HOST[:PORT]}, as the client was built for. */
  public String registry() {
    return transport.registry;
  }

  /**
   * The image manifest {@code tagOrDigest} names for {@code platform}: through an index or a manifest list where
   * the reference names one. NOT_FOUND where the registry has no such image, or none for the platform;
   * VERIFICATION where a digest does not match.
   */
  public Resolved resolve(String repository, String tagOrDigest, Platform platform) throws JimgException {
    return resolver.resolve(References.repository(repository), References.reference(tagOrDigest),
        Objects.requireNonNull(platform, "platform"));
  }

  /**
   * Streams the blob into {@code sink} (which the caller closes), checking its size and digest; VERIFICATION
   * where they do not match, after which what the sink holds must be thrown away.
   */
  public void fetchBlob(String repository, Descriptor blob, OutputStream sink) throws JimgException {
    downloads.fetch(References.repository(repository), blob, sink);
  }

  /** {@link #fetchBlob(String, Descriptor, OutputStream)} into a channel (a file of the pool, say). */
  public void fetchBlob(String repository, Descriptor blob, WritableByteChannel sink) throws JimgException {
    fetchBlob(repository, blob, Channels.newOutputStream(sink));
  }

  /** Whether the repository has the blob (a HEAD: nothing is downloaded). */
  public boolean hasBlob(String repository, Digest blob) throws JimgException {
    References.repository(repository);
    String name = "blob " + blob + " of " + transport.registry + "/" + repository;
    Request.Builder request = new Request.Builder().head().url(transport.url("/v2/" + repository + "/blobs/" + blob));
    try (Exchange exchange = transport.sendFollowing(request, Scope.pull(repository), name)) {
      if (exchange.code() == 404) {
        return false;
      }
      if (exchange.code() != 200) {
        throw RegistryErrors.failure(exchange, name);
      }
      return true;
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  /**
   * Asks the registry to give {@code repository} the blob that {@code fromRepository} has: true when it did;
   * false when it would not (then {@link #uploadBlob} it).
   */
  public boolean mountBlob(String repository, Digest blob, String fromRepository) throws JimgException {
    References.repository(repository);
    References.repository(fromRepository);
    String name = "mount of blob " + blob + " from " + fromRepository + " to " + transport.registry + "/"
        + repository;
    Request.Builder request = new Request.Builder().post(RequestBody.create(new byte[0], null))
        .url(transport.url("/v2/" + repository + "/blobs/uploads/").newBuilder()
            .addQueryParameter("mount", blob.toString()).addQueryParameter("from", fromRepository).build());
    try (Exchange exchange = transport.send(request, Scope.push(repository).and(Scope.pull(fromRepository)))) {
      return switch (exchange.code()) {
        case 201 -> true;
        case 202 -> false; // an upload session instead, which the registry lets expire
        default -> throw RegistryErrors.failure(exchange, name);
      };
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  /** Uploads the blob, whose descriptor the caller computed; the registry checks the digest as it stores it. */
  public void uploadBlob(String repository, Descriptor blob, BlobSource source) throws JimgException {
    uploads.upload(References.repository(repository), blob, source);
  }

  /**
   * Starts the upload of a blob whose digest and size are known only once it is all written (a layer exported while
   * it is sent) and sends {@code growing} from its start to its end as it grows, telling {@code sent} how far it
   * has gone; {@link StreamedUpload#finish} completes it under the digest. Nothing here resumes: where this fails,
   * {@link #uploadBlob} sends the finished blob.
   */
  public StreamedUpload streamBlob(String repository, BlobSource growing, LongConsumer sent) throws JimgException {
    References.repository(repository);
    return new StreamedUpload(uploads, repository, uploads.stream(repository, growing, sent));
  }

  /**
   * Whether the repository holds any tag: false for one the registry does not know yet, where no blob can be found
   * by a HEAD and a push may send its blobs without asking first.
   */
  public boolean hasTags(String repository) throws JimgException {
    References.repository(repository);
    String name = "tags of " + transport.registry + "/" + repository;
    Request.Builder request = new Request.Builder()
        .url(transport.url("/v2/" + repository + "/tags/list").newBuilder().addQueryParameter("n", "1").build());
    try (Exchange exchange = transport.send(request, Scope.pull(repository))) {
      if (exchange.code() == 404) {
        return false;
      }
      if (exchange.code() != 200) {
        throw RegistryErrors.failure(exchange, name);
      }
      byte[] body = exchange.body(Limits.MAX_SMALL_BODY);
      if (body.length > Limits.MAX_SMALL_BODY) {
        return true; // a registry that lists more than the one tag asked for
      }
      List<String> tags = Json.strings(Json.parseObject(body, name), "tags", name);
      return tags != null && !tags.isEmpty();
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  /**
   * Puts a manifest (or an index) under {@code tag}, after its blobs; returns its digest, checked against the one
   * the registry reports where it reports one.
   */
  public Digest putManifest(String repository, String tag, String mediaType, byte[] bytes) throws JimgException {
    References.repository(repository);
    References.tag(tag);
    String name = "push of " + References.show(transport.registry, repository, tag);
    Digest digest = Digest.of(bytes);
    Request.Builder request = new Request.Builder().url(transport.url("/v2/" + repository + "/manifests/" + tag))
        .put(RequestBody.create(bytes, MediaType.get(mediaType)));
    try (Exchange exchange = transport.send(request, Scope.push(repository))) {
      if (exchange.code() != 201) {
        throw RegistryErrors.failure(exchange, name);
      }
      String reported = exchange.header("Docker-Content-Digest");
      if (reported != null && !Digest.parse(reported.trim()).equals(digest)) {
        throw new JimgException(JimgException.Reason.VERIFICATION, name + ": the registry stored it as "
            + RegistryErrors.quoted(reported) + ", not as " + digest);
      }
      return digest;
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
  }

  /** How a client is made; only the registry is required. */
  public static final class Builder {
    private final String registry;
    private boolean insecure;
    private HttpOptions httpOptions = HttpOptions.defaults();
    private Fetcher fetcher;
    private Supplier<Credentials> credentials = () -> null;
    private Cancellation cancellation = Cancellation.NEVER;
    private RegistryListener listener = RegistryListener.NONE;
    private Clock clock = Clock.systemUTC();
    private BlobUpload.Chunking chunking = new BlobUpload.Chunking(CHUNK_THRESHOLD, CHUNK_SIZE);

    private Builder(String registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Plain http instead of https: only where the user asked for it (an insecure registry). */
    public Builder insecure(boolean value) {
      insecure = value;
      return this;
    }

    /** Timeouts, proxies and the {@code --ca-file}, as for every download of jimg. */
    public Builder httpOptions(HttpOptions value) {
      httpOptions = Objects.requireNonNull(value, "httpOptions");
      return this;
    }

    /** Shares a fetcher's connections (and its options, which then replace {@link #httpOptions}). */
    public Builder fetcher(Fetcher value) {
      fetcher = value;
      return this;
    }

    /** Asked when the registry wants credentials; returns null for none. */
    public Builder credentials(Supplier<Credentials> value) {
      credentials = Objects.requireNonNull(value, "credentials");
      return this;
    }

    public Builder cancellation(Cancellation value) {
      cancellation = Objects.requireNonNull(value, "cancellation");
      return this;
    }

    public Builder listener(RegistryListener value) {
      listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** The clock tokens expire by. */
    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Blobs larger than {@code threshold} go in PATCH chunks of {@code chunkSize}. */
    public Builder chunking(long threshold, long chunkSize) {
      if (threshold < 0 || chunkSize < 1) {
        throw new IllegalArgumentException("chunking " + threshold + ", " + chunkSize);
      }
      chunking = new BlobUpload.Chunking(threshold, chunkSize);
      return this;
    }

    /** The client; a registry that is no {@code HOST[:PORT]} is a usage error, as is a bad CA file. */
    public RegistryClient build() throws JimgException {
      if (!REGISTRY.matcher(registry).matches()) {
        throw new JimgException(JimgException.Reason.USAGE, "not a registry host[:port]: " + registry);
      }
      return new RegistryClient(this, fetcher != null ? fetcher : new Fetcher(httpOptions));
    }
  }
}
