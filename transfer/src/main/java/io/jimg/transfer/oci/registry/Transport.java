package io.jimg.transfer.oci.registry;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import io.jimg.transfer.http.Fetcher;
import java.io.IOException;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Requests to one registry: its base URL, the authorization each request carries (from the {@link Authorizer},
 * and only to the registry's own host and port), one retry after a 401 challenge, and redirects followed here
 * rather than by OkHttp, so that a redirect to another host goes there without the registry's credentials and
 * https never turns into http. Each call is cancelled at once when the work is.
 */
final class Transport {
  final String registry;
  final HttpUrl base;
  final Cancellation cancellation;
  private final Fetcher fetcher;
  final Authorizer authorizer;

  Transport(String registry, boolean insecure, Fetcher fetcher, Cancellation cancellation,
      Authorizer.Settings auth) {
    this.registry = registry;
    this.base = HttpUrl.get((insecure ? "http://" : "https://") + registry + "/");
    this.fetcher = fetcher.cancelledBy(cancellation);
    this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
    this.authorizer = new Authorizer(base, auth, this::execute);
  }

  HttpUrl url(String path) {
    return base.resolve(path);
  }

  /** Sends a request to the registry; after a 401, answers its challenge and sends it once more. */
  Exchange send(Request.Builder request, Scope scope) throws IOException {
    Exchange exchange = execute(authorized(request, scope).build());
    if (exchange.code() != 401) {
      return exchange;
    }
    String challenge = exchange.header("WWW-Authenticate");
    exchange.close();
    authorizer.answer(challenge, scope);
    return execute(authorized(request, scope).build());
  }

  /**
   * Sends a GET or HEAD and follows up to {@link Limits#MAX_REDIRECTS} redirects, sending the registry's
   * authorization only where a hop returns to the registry's own host and port.
   */
  Exchange sendFollowing(Request.Builder request, Scope scope, String what) throws IOException {
    Exchange exchange = send(request, scope);
    HttpUrl current = exchange.response().request().url();
    for (int hops = 0; exchange.response().isRedirect(); hops++) {
      String location = exchange.header("Location");
      exchange.close();
      if (location == null) {
        throw failure(what, "a redirect without a Location");
      }
      if (hops == Limits.MAX_REDIRECTS) {
        throw failure(what, "more than " + Limits.MAX_REDIRECTS + " redirects");
      }
      HttpUrl next = current.resolve(location.trim());
      if (next == null) {
        throw failure(what, "a redirect to " + RegistryErrors.quoted(location) + ", which is no http URL");
      }
      if (current.isHttps() && !next.isHttps()) {
        throw failure(what, "refusing a redirect from https to " + RegistryErrors.quoted(next.toString()));
      }
      Request.Builder hop = request.build().newBuilder().url(next).removeHeader("Authorization");
      exchange = execute((isRegistry(next) ? authorized(hop, scope) : hop).build());
      current = next;
    }
    return exchange;
  }

  boolean isRegistry(HttpUrl url) {
    return url.scheme().equals(base.scheme()) && url.host().equals(base.host()) && url.port() == base.port();
  }

  private Request.Builder authorized(Request.Builder request, Scope scope) {
    String authorization = authorizer.authorization(scope);
    return authorization == null ? request.removeHeader("Authorization")
        : request.header("Authorization", authorization);
  }

  /** One request as it is, to wherever it names; the caller closes the exchange. */
  Exchange execute(Request request) throws IOException {
    cancellation.check();
    Request sent = request.newBuilder().header("User-Agent", "jimg")
        .header("Accept-Encoding", "identity").build(); // bytes as served, as their digests name them
    try {
      return fetcher.execute(sent);
    } catch (IOException e) {
      cancellation.check(); // what a cancelled call throws is the cancel
      throw e;
    }
  }

  JimgException failure(String what, String why) {
    return new JimgException(JimgException.Reason.FAILED, what + ": " + why);
  }

  /**
   * A network failure as one line naming the operation; a cancelled operation's failure is its cancellation, and
   * a JimgException passes as it is.
   */
  JimgException failure(String what, IOException e) throws JimgException {
    cancellation.check();
    if (e instanceof JimgException j) {
      return j;
    }
    String why = e instanceof java.net.ConnectException ? "cannot connect to " + registry + ": " + e.getMessage()
        : e instanceof java.net.UnknownHostException ? "cannot resolve host " + e.getMessage()
        : e instanceof java.net.SocketTimeoutException ? registry + " stalled (" + e.getMessage() + ")"
        : e instanceof javax.net.ssl.SSLException ? "TLS with " + registry + " failed: " + e.getMessage()
        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new JimgException(JimgException.Reason.FAILED, what + ": " + why, e);
  }
}
