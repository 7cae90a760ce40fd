package io.jimg.transfer.oci;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The grammar of image names as the distribution project's reference package (docker/reference) defines it, which
 * podman, skopeo and the registries all follow: a name is accepted here exactly where they accept it.
 */
final class ReferenceGrammar {
  private ReferenceGrammar() {}

  /** The longest name (domain and repository, without tag or digest) a registry takes. */
  static final int NAME_TOTAL_LENGTH_MAX = 255;
  static final int TAG_LENGTH_MAX = 128;

  private static final String ALPHANUMERIC = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String PATH_COMPONENT = ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*";
  private static final String IPV6 = "\\[[a-fA-F0-9:]+\\]";
  private static final String DOMAIN_AND_PORT = "(?:" + DOMAIN_NAME + "|" + IPV6 + ")(?::[0-9]+)?";

  static final Pattern PATH = Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  static final Pattern DOMAIN = Pattern.compile(DOMAIN_AND_PORT);
  static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0," + (TAG_LENGTH_MAX - 1) + "}");
  /** A digest as docker/reference accepts it; jimg takes sha256 only (see {@link io.jimg.transfer.oci.registry.Digest}). */
  static final Pattern DIGEST =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
  /** 64 hex digits alone, which docker/reference refuses as a name: it would be taken for an image id. */
  static final Pattern IMAGE_ID = Pattern.compile("[a-f0-9]{64}");

  /**
   * Whether the first component of a name is a registry: it has a '.' or ':', is {@code localhost}, or has an
   * upper-case letter (which a repository cannot have), as docker/reference's splitDockerDomain decides.
   */
  static boolean isDomain(String component) {
    return component.indexOf('.') >= 0 || component.indexOf(':') >= 0 || component.equals("localhost")
        || !component.equals(component.toLowerCase(Locale.ROOT));
  }
}
