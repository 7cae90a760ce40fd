package io.jimg.transfer.oci;

import io.jimg.images.JimgException.Reason;
import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.Digest;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An image in a registry: {@code [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST]}, checked and normalised as
 * docker/reference's ParseNormalizedNamed does. A name without a registry is a short name: it is normalised here
 * to {@code docker.io} (with {@code library/} for a single component), and {@link #isShortName()} tells whether
 * registries.conf should resolve it instead ({@link ShortNames}).
 */
public final class DockerReference {
  public static final String DOCKER_HUB = "docker.io";
  /** Where docker.io's registry API answers; the name shown stays docker.io. */
  static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
  private static final String LEGACY_DOCKER_HUB = "index.docker.io";
  private static final String OFFICIAL_NAMESPACE = "library/";

  private final String domain;
  private final String path;
  private final String tag;
  private final String digest;
  /** The repository as written where no registry was, for alias lookup ({@code debian}, not library/debian). */
  private final String shortName;

  private DockerReference(String domain, String path, String tag, String digest, String shortName) {
    this.domain = domain;
    this.path = path;
    this.tag = tag;
    this.digest = digest;
    this.shortName = shortName;
  }

  /** Parses a reference as written after {@code docker://}; USAGE with what is wrong otherwise. */
  public static DockerReference parse(String text) throws JimgException {
    if (text == null || text.isEmpty()) {
      throw wrong(String.valueOf(text), "an image reference cannot be empty");
    }
    if (ReferenceGrammar.IMAGE_ID.matcher(text).matches()) {
      throw wrong(text, "64 hex digits alone are an image id, not a repository name");
    }
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!ReferenceGrammar.DIGEST.matcher(digest).matches()) {
        throw wrong(text, "'" + Untrusted.shown(digest) + "' is not a digest (sha256: and 64 hex digits)");
      }
      if (!Digest.isValid(digest)) {
        throw wrong(text, "only sha256 digests in lower-case hex are supported, not '" + Untrusted.shown(digest) + "'");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!ReferenceGrammar.TAG.matcher(tag).matches()) {
        throw wrong(text, "'" + Untrusted.shown(tag) + "' is not a valid tag: 1 to " + ReferenceGrammar.TAG_LENGTH_MAX
            + " letters, digits, '_', '.' and '-', not starting with '.' or '-'");
      }
    }
    return named(text, rest, tag, digest);
  }

  private static DockerReference named(String text, String name, String tag, String digest) throws JimgException {
    if (name.isEmpty()) {
      throw wrong(text, "the repository name is missing");
    }
    String domain = null;
    String path = name;
    int slash = name.indexOf('/');
    if (slash >= 0 && ReferenceGrammar.isDomain(name.substring(0, slash))) {
      domain = name.substring(0, slash);
      path = name.substring(slash + 1);
      if (!ReferenceGrammar.DOMAIN.matcher(domain).matches()) {
        throw wrong(text, "'" + Untrusted.shown(domain) + "' is not a valid registry: a host name or [IPv6] address,"
            + " with an optional :PORT");
      }
    }
    if (path.isEmpty()) {
      throw wrong(text, "the repository name is missing");
    }
    if (!path.equals(path.toLowerCase(Locale.ROOT))) {
      throw wrong(text, "the repository name must be lower-case");
    }
    if (!ReferenceGrammar.PATH.matcher(path).matches()) {
      throw wrong(text, "'" + Untrusted.shown(path) + "' is not a valid repository name: components of lower-case"
          + " letters and digits, joined by '/', with '.', '_', '__' or '-' between letters and digits");
    }
    String shortName = domain == null ? path : null;
    String normalDomain = domain == null || domain.equals(LEGACY_DOCKER_HUB) ? DOCKER_HUB : domain;
    String normalPath = normalDomain.equals(DOCKER_HUB) && path.indexOf('/') < 0 ? OFFICIAL_NAMESPACE + path : path;
    int length = normalDomain.length() + 1 + normalPath.length();
    if (length > ReferenceGrammar.NAME_TOTAL_LENGTH_MAX) {
      throw wrong(text, "the name has " + length + " characters, over the " + ReferenceGrammar.NAME_TOTAL_LENGTH_MAX
          + " a registry takes");
    }
    return new DockerReference(normalDomain, normalPath, tag, digest, shortName);
  }

  private static JimgException wrong(String text, String problem) {
    return new JimgException(Reason.USAGE, "invalid image reference '" + Untrusted.shown(text) + "': " + problem);
  }

  /**
   * This reference's tag and digest on the fully qualified name {@code name} (an alias's value or a search
   * registry joined to a short name): what a short name resolves to.
   */
  DockerReference withName(String name) throws JimgException {
    DockerReference resolved = named(name, name, tag, digest);
    if (resolved.shortName != null) {
      throw wrong(name, "a short name resolves to a name with a registry, and this has none");
    }
    return resolved;
  }

  /** The registry as written, or docker.io: {@code docker.io}, {@code quay.io}, {@code localhost:5000}. */
  public String domain() {
    return domain;
  }

  /** The repository within its registry: {@code library/debian}. */
  public String repository() {
    return path;
  }

  /** {@code docker.io/library/debian}: the key of registries.conf's prefixes and of the auth files. */
  public String name() {
    return domain + "/" + path;
  }

  /** The host (and port) the registry API answers on: docker.io's is registry-1.docker.io. */
  public String endpointHost() {
    return domain.equals(DOCKER_HUB) ? DOCKER_HUB_ENDPOINT : domain;
  }

  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  public Optional<String> digest() {
    return Optional.ofNullable(digest);
  }

  /** What a pull asks the registry for: the digest where one was given, else the tag, else {@code latest}. */
  public String manifestReference() {
    return digest != null ? digest : tag != null ? tag : "latest";
  }

  /** Whether the name was written without a registry, so that registries.conf decides where it is. */
  public boolean isShortName() {
    return shortName != null;
  }

  /** The repository as written for a short name ({@code debian}, {@code fedora/httpd}); empty otherwise. */
  public Optional<String> shortName() {
    return Optional.ofNullable(shortName);
  }

  /** The repository's last component: the image name a pull gives where none is asked for. */
  public String lastComponent() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DockerReference that && toString().equals(that.toString())
        && Objects.equals(shortName, that.shortName);
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
