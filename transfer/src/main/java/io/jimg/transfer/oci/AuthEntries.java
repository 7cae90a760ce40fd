package io.jimg.transfer.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of one auth file and the lookup of a repository in them, as containers/image matches keys. Where it
 * differs: a credential helper (docker's {@code credHelpers}, or {@code credsStore} behind an empty entry) is an
 * error naming the helper, since jimg runs none and a silent anonymous pull would fail later with less to go on.
 */
final class AuthEntries {
  private AuthEntries() {}

  static Optional<Credentials> lookup(JsonNode root, AuthFiles.AuthFile file, DockerReference reference)
      throws JimgException {
    String registry = reference.domain();
    JsonNode helpers = root.get("credHelpers");
    if (!file.legacy() && helpers != null && helpers.hasNonNull(registry)) {
      throw helper(file, helpers.get(registry).asText(), registry);
    }
    JsonNode auths = file.legacy() ? root : root.get("auths");
    if (auths == null || !auths.isObject()) {
      return Optional.empty();
    }
    List<String> keys = file.legacy() ? List.of(registry) : keys(reference.name());
    for (String key : keys) {
      if (auths.has(key)) {
        return decode(auths.get(key), file, key, root);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (normalizedKey(entry.getKey(), file.legacy()).equals(registry)) {
        return decode(entry.getValue(), file, entry.getKey(), root);
      }
    }
    return Optional.empty();
  }

  /** {@code quay.io/a/b} gives {@code quay.io/a/b}, {@code quay.io/a}, {@code quay.io}: the most specific first. */
  static List<String> keys(String name) {
    List<String> keys = new ArrayList<>();
    for (String key = name; ; key = key.substring(0, key.lastIndexOf('/'))) {
      keys.add(key);
      if (key.indexOf('/') < 0) {
        return keys;
      }
    }
  }

  /** A key written as a URL, or in the legacy format, stands for its host; Docker Hub's hosts for docker.io. */
  static String normalizedKey(String key, boolean legacy) {
    String stripped = key.startsWith("http://") ? key.substring("http://".length())
        : key.startsWith("https://") ? key.substring("https://".length()) : key;
    if (legacy || !stripped.equals(key)) {
      int slash = stripped.indexOf('/');
      stripped = slash < 0 ? stripped : stripped.substring(0, slash);
    }
    return switch (stripped) {
      case "index.docker.io", "registry-1.docker.io" -> DockerReference.DOCKER_HUB;
      default -> stripped;
    };
  }

  private static Optional<Credentials> decode(JsonNode entry, AuthFiles.AuthFile file, String key, JsonNode root)
      throws JimgException {
    JsonNode auth = entry == null ? null : entry.get("auth");
    if (auth == null || auth.asText().isEmpty()) {
      JsonNode store = root.get("credsStore");
      if (!file.legacy() && store != null && !store.asText().isEmpty()) {
        throw helper(file, store.asText(), key);
      }
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth.asText().strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(file, key); // the message never carries the value
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty(); // skipped, as docker and containers/image skip it: the next file may have one
    }
    // containers/image drops the NULs some writers padded the password with.
    return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1).replace("\0", "")));
  }

  private static JimgException invalid(AuthFiles.AuthFile file, String key) {
    return new JimgException(Reason.FAILED, "the credentials for '" + Untrusted.shown(key) + "' in " + file.path()
        + " are not base64 of USER:PASSWORD");
  }

  private static JimgException helper(AuthFiles.AuthFile file, String helper, String registry) {
    return new JimgException(Reason.FAILED, file.path() + " keeps the credentials for " + Untrusted.shown(registry)
        + " in the credential helper docker-credential-" + Untrusted.shown(helper)
        + ", which jimg does not run; give --creds=USER[:PASSWORD] or log in with podman login");
  }
}
