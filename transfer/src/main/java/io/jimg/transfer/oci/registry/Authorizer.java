package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * The authorization of a registry's requests: answers its 401 challenges (a bearer token from the realm it
 * names, anonymous or with the user's credentials, or Basic with the credentials) and keeps each token for its
 * scope until it expires. A realm is a place credentials go to, so it must be https where the registry is, and
 * may be plain http only on the registry's own host.
 */
final class Authorizer {
  /** What OCI's token spec says a token without {@code expires_in} lasts. */
  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,8192}");

  /** The user's side of it: credentials (null for none) and the clock tokens expire by. */
  record Settings(Supplier<Credentials> credentials, Clock clock) {}

  interface Executor {
    Exchange execute(Request request) throws IOException;
  }

  private record Token(String value, Instant expires) {}

  private final HttpUrl registry;
  private final Settings settings;
  private final Executor http;
  private final Map<String, Token> tokens = new HashMap<>();
  private boolean basic;

  Authorizer(HttpUrl registry, Settings settings, Executor http) {
    this.registry = registry;
    this.settings = settings;
    this.http = http;
  }

  /** The Authorization header for a request to the registry in {@code scope}, or null to send none. */
  synchronized String authorization(Scope scope) {
    Token token = tokens.get(scope.key());
    if (token != null && settings.clock().instant().isBefore(token.expires)) {
      return "Bearer " + token.value;
    }
    Credentials credentials = basic ? settings.credentials().get() : null;
    return credentials == null ? null : credentials.basicAuthorization();
  }

  /** Answers a 401's challenge so that the request can be sent again; what cannot be answered is an error. */
  void answer(String header, Scope scope) throws IOException {
    Challenge challenge = Challenge.parse(header);
    String what = registry.host() + ":" + registry.port();
    if (challenge == null) {
      throw new JimgException(JimgException.Reason.FAILED,
          "registry " + what + " asks for authorization (401) without a WWW-Authenticate challenge jimg can read");
    }
    Credentials credentials = settings.credentials().get();
    switch (challenge.scheme()) {
      case "basic" -> {
        if (credentials == null) {
          throw new JimgException(JimgException.Reason.FAILED,
              "registry " + what + " asks for a user name and password (--creds)");
        }
        synchronized (this) {
          basic = true;
        }
      }
      case "bearer" -> fetchToken(challenge, scope, credentials);
      default -> throw new JimgException(JimgException.Reason.FAILED,
          "registry " + what + " asks for " + RegistryErrors.quoted(challenge.scheme())
              + " authorization, which jimg does not speak (only Bearer and Basic)");
    }
  }

  private void fetchToken(Challenge challenge, Scope scope, Credentials credentials) throws IOException {
    String realmText = challenge.parameter("realm");
    HttpUrl realm = realmText == null ? null : HttpUrl.parse(realmText);
    String what = "token server " + (realmText == null ? "(none named)" : RegistryErrors.quoted(realmText));
    if (realm == null) {
      throw new JimgException(JimgException.Reason.FAILED, "registry " + registry.host() + " names a " + what
          + " that is no http URL");
    }
    if (!realm.isHttps() && (registry.isHttps() || !realm.host().equals(registry.host()))) {
      throw new JimgException(JimgException.Reason.FAILED, "refusing the " + what + ": plain http"
          + (registry.isHttps() ? " for an https registry" : " on another host than the registry's")
          + " would expose the credentials and the token");
    }
    HttpUrl.Builder url = realm.newBuilder();
    if (challenge.parameter("service") != null) {
      url.addQueryParameter("service", challenge.parameter("service"));
    }
    for (String entry : scope.entries()) {
      url.addQueryParameter("scope", entry);
    }
    Request.Builder request = new Request.Builder().url(url.build()).get();
    if (credentials != null) {
      request.header("Authorization", credentials.basicAuthorization());
    }
    Instant asked = settings.clock().instant();
    byte[] body;
    try (Exchange exchange = http.execute(request.build())) {
      if (exchange.code() != 200) {
        throw RegistryErrors.failure(exchange, what);
      }
      body = exchange.body(Limits.MAX_SMALL_BODY);
    }
    if (body.length > Limits.MAX_SMALL_BODY) {
      throw new JimgException(JimgException.Reason.FAILED, what + ": an answer larger than 64 KiB");
    }
    Map<String, Object> json = Json.parseObject(body, what + "'s answer");
    String token = Json.optionalString(json, "token", what);
    if (token == null) {
      token = Json.optionalString(json, "access_token", what);
    }
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new JimgException(JimgException.Reason.FAILED, what + " answered without a usable token");
    }
    Duration lifetime = json.get("expires_in") instanceof Long seconds && seconds > 0
        ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME;
    synchronized (this) {
      tokens.put(scope.key(), new Token(token, asked.plus(lifetime)));
    }
  }
}
