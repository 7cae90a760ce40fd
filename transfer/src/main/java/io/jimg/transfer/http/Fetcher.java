package io.jimg.transfer.http;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Fetches files over HTTP(S) and from {@code file:} URLs. Redirects are followed here, not by okhttp, so that
 * direction is checked: http may go to http or https, https only to https, nothing to {@code file:}. Transient
 * failures (connection errors, stalls, cut bodies, 5xx) are retried with backoff; a download cut mid-body
 * resumes with a Range request guarded by If-Range when the server gave a strong ETag.
 *
 * <p>A fetcher from {@link #cancelledBy} stops when its work is cancelled: the HTTP call under way is cancelled at
 * once (a read from a stalled server ends with it, as does a connect or the wait between attempts), and the file
 * data is checked between buffers (1 MiB); the fetch then fails with {@link JimgException.Reason#CANCELLED} once
 * its reader thread has ended, and is never retried.
 */
public final class Fetcher {
  private static final int MAX_REDIRECTS = 10;
  /** At most 18 digits a number, so that every one fits a long: a server's bytes never become an exception. */
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):.*", Pattern.DOTALL);
  /** How much of a server's text (a Location) an error message quotes. */
  private static final int QUOTED_MAX = 200;

  private final HttpOptions options;
  private final EnvironmentProxySelector proxies;
  private final CaFile authorities;
  /** The fetcher whose clients this one uses: itself, or the one it was derived from by {@link #cancelledBy}. */
  private final Fetcher clients;
  private final Cancellation cancellation;
  /**
   * For http, made on the first request (on whichever thread makes it, so that a command's other work goes on
   * meanwhile): no TLS, so that a plain pull never sets TLS up, which loads and indexes the JDK's trust store.
   */
  private OkHttpClient cleartext;
  /** For https, made from {@link #cleartext} (sharing its connections and threads) on the first https request. */
  private OkHttpClient tls;

  public Fetcher(HttpOptions options) throws JimgException {
    this.options = options;
    this.proxies = new EnvironmentProxySelector(options.environment());
    // Read now, so that a bad --ca-file is reported whatever the URL.
    this.authorities = options.caFile() == null ? null : CaFile.load(options.caFile());
    this.clients = this;
    this.cancellation = Cancellation.NEVER;
  }

  private Fetcher(Fetcher clients, Cancellation cancellation) {
    this.options = clients.options;
    this.proxies = clients.proxies;
    this.authorities = clients.authorities;
    this.clients = clients;
    this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
  }

  /** This fetcher (its clients and connections) for work that {@code cancellation} stops. */
  public Fetcher cancelledBy(Cancellation cancellation) {
    return new Fetcher(clients, cancellation);
  }

  private OkHttpClient client(boolean https) {
    return clients.sharedClient(https);
  }

  private synchronized OkHttpClient sharedClient(boolean https) {
    if (cleartext == null) {
      cleartext = new OkHttpClient.Builder()
          .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
          .connectTimeout(options.connectTimeout())
          .readTimeout(options.readTimeout())
          .writeTimeout(options.readTimeout())
          .followRedirects(false)
          .followSslRedirects(false)
          .retryOnConnectionFailure(false)
          .proxySelector(proxies)
          .proxyAuthenticator((route, response) -> {
            URI proxy = proxies.proxyFor(response.request().url().uri());
            if (proxy == null || proxy.getUserInfo() == null
                || response.request().header("Proxy-Authorization") != null) {
              return null;
            }
            String[] user = proxy.getUserInfo().split(":", 2);
            return response.request().newBuilder()
                .header("Proxy-Authorization", Credentials.basic(user[0], user.length > 1 ? user[1] : "")).build();
          })
          .build();
    }
    if (!https) {
      return cleartext;
    }
    if (tls == null) {
      OkHttpClient.Builder builder = cleartext.newBuilder()
          .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT)); // okhttp's default
      if (authorities != null) {
        builder.sslSocketFactory(authorities.context.getSocketFactory(), authorities.trustManager);
      }
      tls = builder.build();
    }
    return tls;
  }

  /**
   * A small file (a checksum file, a signature, a settings file), read up to {@code cap + 1} bytes so that the
   * caller can refuse one that is too large; null where the server says it does not exist (404, 410).
   */
  public byte[] fetchSmall(URI url, int cap) throws JimgException {
    return withRetries(url, () -> {
      if (isFile(url)) {
        // A file the user named by its URL on the command line, or its sibling there: read as the user would.
        try (InputStream in = Files.newInputStream(localPath(url))) {
          return in.readNBytes(cap + 1);
        } catch (NoSuchFileException e) {
          return null;
        }
      }
      try (Exchange exchange = follow(url, new Request.Builder())) {
        Response response = exchange.response();
        int code = response.code();
        if (code == 404 || code == 410) {
          return null;
        }
        checkSuccess(url, response);
        try (InputStream in = response.body().byteStream()) {
          return in.readNBytes(cap + 1);
        }
      }
    });
  }

  /**
   * Downloads {@code url} into {@code file} (opened for reading and writing). Where the file already holds a
   * prefix and {@code partialEtag} is the strong ETag it was fetched under, only the rest is asked for; a server
   * that ignores the Range or whose file changed sends the whole file, and the download restarts cleanly.
   * {@code knownEtags} go out as If-None-Match. The body may be at most {@code sizeMax} bytes.
   */
  public Download download(URI url, FileChannel file, String partialEtag, Collection<String> knownEtags, long sizeMax,
      DownloadObserver observer, StoreListener listener) throws JimgException {
    // Tags are checked here, where they go out, whatever kept them: a malformed one counts as none.
    String[] etag = {EntityTags.strong(partialEtag)};
    List<String> sendable = knownEtags.stream().map(EntityTags::valid).filter(Objects::nonNull).toList();
    return withRetries(url, () -> {
      if (isFile(url)) {
        return copyLocal(url, file, sizeMax, observer, listener);
      }
      long have = file.size();
      if (have > 0 && etag[0] == null) {
        file.truncate(0);
        have = 0;
      }
      Request.Builder request = new Request.Builder();
      if (have > 0) {
        request.header("Range", "bytes=" + have + "-").header("If-Range", etag[0]);
      } else if (!sendable.isEmpty()) {
        request.header("If-None-Match", String.join(", ", sendable));
      }
      try (Exchange exchange = follow(url, request)) {
        Response response = exchange.response();
        int code = response.code();
        String responseEtag = EntityTags.strong(response.header("ETag"));
        if (code == 304 && have == 0 && !sendable.isEmpty()) {
          return new Download(true, EntityTags.valid(response.header("ETag")), -1, null);
        }
        if (code == 416 && have > 0) {
          file.truncate(0);
          etag[0] = null;
          throw new Retry("the server refused to resume at byte " + have + " (416)", true);
        }
        checkSuccess(url, response);
        long start;
        long total;
        if (code == 206) {
          Matcher range = CONTENT_RANGE.matcher(String.valueOf(response.header("Content-Range")));
          boolean otherFile = responseEtag != null && !responseEtag.equals(etag[0]); // If-Range ignored
          if (have == 0 || otherFile || !range.matches() || Long.parseLong(range.group(1)) != have) {
            file.truncate(0);
            etag[0] = null;
            throw new Retry("the server answered with an unexpected range " + quoted(response.header("Content-Range")),
                true);
          }
          start = have;
          total = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
        } else {
          if (have > 0) {
            file.truncate(0);
          }
          start = 0;
          total = response.body().contentLength();
        }
        if (total > sizeMax) {
          throw failure(url, "the file is " + total + " bytes, more than the limit of " + sizeMax + " (--size-max)");
        }
        etag[0] = responseEtag;
        observer.started(responseEtag);
        try (InputStream body = response.body().byteStream()) {
          return write(url, body, file, start, total, sizeMax, responseEtag, observer, listener);
        }
      }
    });
  }

  private Download write(URI url, InputStream body, FileChannel file, long start, long total, long sizeMax, String etag,
      DownloadObserver observer, StoreListener listener) throws IOException {
    try (Sha256 sha256 = Sha256.create()) {
      return write(url, body, file, start, total, sizeMax, etag, observer, listener, sha256);
    }
  }

  private Download write(URI url, InputStream body, FileChannel file, long start, long total, long sizeMax, String etag,
      DownloadObserver observer, StoreListener listener, Sha256 sha256) throws IOException {
    if (start > 0) {
      hashPrefix(file, start, sha256, new byte[BodyReader.BUFFER]);
    }
    long[] position = {start};
    String operation = "download " + url;
    // The next buffer is read from the network while this thread writes and hashes the last one: apart, they
    // took 0.25 s and 0.14 s of a 93 MB download over loopback.
    BodyReader.forEach(body, Long.MAX_VALUE, "jimg-download", (bytes, n) -> {
      cancellation.check();
      if (position[0] + n > sizeMax) {
        throw failure(url, "the body is larger than the limit of " + sizeMax + " bytes (--size-max)");
      }
      if (total >= 0 && position[0] + n > total) {
        throw failure(url, "the body is longer than the " + total + " bytes announced");
      }
      observer.writing(n);
      // Bytes read before a cut are still written, so that a retry resumes after them.
      position[0] = writeFully(url, file, bytes, n, position[0]);
      sha256.update(bytes, 0, n);
      listener.progress(new Progress(operation, position[0], total, 0));
    });
    if (total >= 0 && position[0] != total) {
      throw new Retry("the body ended after " + position[0] + " of " + total + " bytes", false);
    }
    // Not flushed: the download is read back at once from the page cache, and a copy a crash tore is hashed
    // whole again before any use. A flush cost a fifth of a second per 100 MB.
    return new Download(false, etag, position[0], sha256.digest());
  }

  /** A failed write (ENOSPC, EIO) is not the server's fault: it ends the download without a retry. */
  private static long writeFully(URI url, FileChannel file, byte[] buffer, int length, long position)
      throws JimgException {
    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
    try {
      while (chunk.hasRemaining()) {
        position += file.write(chunk, position);
      }
      return position;
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      throw failure(url, "cannot write the download: "
          + (message.contains("No space left") ? "no space left on the device (ENOSPC)" : message));
    }
  }

  private void hashPrefix(FileChannel file, long length, Sha256 sha256, byte[] buffer) throws IOException {
    for (long position = 0; position < length; ) {
      cancellation.check();
      int n = file.read(ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, length - position)), position);
      if (n < 0) {
        throw new IOException("the partial download shrank while it was hashed");
      }
      sha256.update(buffer, 0, n);
      position += n;
    }
  }


  private Download copyLocal(URI url, FileChannel file, long sizeMax, DownloadObserver observer,
      StoreListener listener) throws IOException {
    // A file the user named by its URL on the command line: read as the user would.
    try (FileChannel in = FileChannel.open(localPath(url), StandardOpenOption.READ)) {
      file.truncate(0);
      long total = in.size();
      if (total > sizeMax) {
        throw failure(url, "the file is " + total + " bytes, more than the limit of " + sizeMax + " (--size-max)");
      }
      return write(url, java.nio.channels.Channels.newInputStream(in), file, 0, total, sizeMax, null, observer,
          listener);
    } catch (NoSuchFileException e) {
      throw failure(url, "no such file");
    }
  }

  /**
   * Sends the request, following redirects in the allowed directions. Locations are resolved by OkHttp's own URL
   * parser, the one the request goes out with: one it cannot use is a failure, never an exception of its own.
   */
  private Exchange follow(URI url, Request.Builder template) throws IOException {
    HttpUrl current = HttpUrl.parse(url.toString());
    if (current == null) {
      throw failure(url, "not an http or https URL that can be fetched");
    }
    for (int hops = 0; ; hops++) {
      Request request = template.url(current)
          .header("Accept-Encoding", "identity") // bytes as served: a transparent gunzip would break hashes and ranges
          .header("User-Agent", "jimg")
          .build();
      Exchange exchange = execute(request);
      if (!exchange.response().isRedirect()) {
        return exchange;
      }
      String location = exchange.header("Location");
      exchange.close();
      if (location == null) {
        throw failure(url, "redirect " + exchange.code() + " without a Location");
      }
      if (hops >= MAX_REDIRECTS) {
        throw failure(url, "more than " + MAX_REDIRECTS + " redirects");
      }
      current = allowedRedirect(url, current, location);
    }
  }

  /**
   * Sends one request as it is (no redirect followed, no retry), for a protocol built on plain requests such as a
   * registry's: with this fetcher's timeouts, proxies and {@code --ca-file}, its call cancelled at once when the
   * fetcher's work is.
   */
  public Exchange execute(Request request) throws IOException {
    Call call = client(request.url().isHttps()).newCall(request);
    Cancellation.Registration cancelCall = cancellation.onCancel(call::cancel);
    try {
      return new Exchange(call.execute(), cancelCall);
    } catch (IOException | RuntimeException e) {
      cancelCall.close();
      throw e;
    }
  }

  /** http may go to http or https, https only to https; nothing to another scheme or to no usable URL at all. */
  private static HttpUrl allowedRedirect(URI url, HttpUrl from, String location) throws JimgException {
    HttpUrl next = from.resolve(location.trim());
    Matcher scheme = SCHEME.matcher(location.trim());
    String to = next != null ? next.scheme() : scheme.matches() ? scheme.group(1).toLowerCase(Locale.ROOT) : "";
    if (next == null && (to.isEmpty() || to.equals("http") || to.equals("https"))) {
      throw failure(url, "redirect to a Location that is no usable URL: " + quoted(location));
    }
    if (next == null || from.isHttps() && !next.isHttps()) {
      throw failure(url, "refusing a redirect from " + from.scheme() + " to " + to + " (" + quoted(location) + ")");
    }
    return next;
  }

  /** A server's text as an error message quotes it: its start only, where it is long. */
  private static String quoted(String text) {
    return text == null || text.length() <= QUOTED_MAX ? String.valueOf(text) : text.substring(0, QUOTED_MAX) + "...";
  }

  private void checkSuccess(URI url, Response response) throws IOException {
    int code = response.code();
    if (code >= 500) {
      throw new Retry("HTTP " + code + " " + response.message(), false);
    }
    if (code < 200 || code > 299) {
      throw failure(url, "HTTP " + code + (response.message().isEmpty() ? "" : " " + response.message()));
    }
  }

  private interface Attempt<T> {
    T run() throws IOException;
  }

  /** A transient failure worth another attempt; {@code immediate} ones (a restart from zero) do not wait. */
  private static final class Retry extends IOException {
    private static final long serialVersionUID = 1L;
    final boolean immediate;

    Retry(String message, boolean immediate) {
      super(message);
      this.immediate = immediate;
    }
  }

  private <T> T withRetries(URI url, Attempt<T> attempt) throws JimgException {
    Duration wait = options.backoff();
    for (int tries = 1; ; tries++) {
      try {
        cancellation.check();
        return attempt.run();
      } catch (JimgException e) {
        throw e;
      } catch (IOException e) {
        cancellation.check(); // what a cancelled call throws is the cancel, never a reason to try again
        boolean interrupted = e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException);
        if (interrupted || tries >= options.attempts() + (e instanceof Retry r && r.immediate ? 1 : 0)) {
          throw failure(url, describe(e) + (tries > 1 ? " (after " + tries + " attempts)" : ""));
        }
        if (!(e instanceof Retry r && r.immediate)) {
          try {
            options.sleeper().sleep(wait, cancellation);
          } catch (InterruptedException interruption) {
            Thread.currentThread().interrupt();
            throw failure(url, "interrupted");
          }
          wait = wait.multipliedBy(2);
        }
      }
    }
  }

  private static String describe(IOException e) {
    if (e instanceof Retry) {
      return e.getMessage();
    }
    if (e instanceof java.net.UnknownHostException) {
      return "cannot resolve host " + e.getMessage();
    }
    if (e instanceof java.net.ConnectException) {
      return "cannot connect: " + e.getMessage();
    }
    if (e instanceof java.net.SocketTimeoutException) {
      return "the server stalled (" + e.getMessage() + ")";
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return "TLS failed: " + e.getMessage();
    }
    String message = e.getMessage();
    if (message != null && message.contains("unexpected end of stream")) {
      return "the body was cut short (" + message + ")";
    }
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** The local path of a {@code file:} URL; one with a host or a query names no local file. */
  private static Path localPath(URI url) throws JimgException {
    try {
      return Path.of(url);
    } catch (IllegalArgumentException e) {
      throw failure(url, "not a local file URL (" + e.getMessage() + ")");
    }
  }

  private static boolean isFile(URI url) {
    return "file".equalsIgnoreCase(url.getScheme());
  }

  static JimgException failure(URI url, String cause) {
    return new JimgException(JimgException.Reason.FAILED, "" + url + ": " + cause);
  }
}
