package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import java.util.regex.Pattern;

/**
 * The names a client puts in a registry's URL paths, checked first: a repository or tag from a user or a file
 * must not reach another path than the one meant ({@code ..}, {@code ?}, {@code %}).
 */
final class References {
  private References() {}

  /** The distribution spec's grammar for repository names, limited to 255 characters. */
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  static String repository(String name) throws JimgException {
    if (name == null || name.length() > 255 || !REPOSITORY.matcher(name).matches()) {
      throw new JimgException(JimgException.Reason.USAGE, "not a repository name: " + name);
    }
    return name;
  }

  /** A tag, or a digest ({@code sha256:…}). */
  static String reference(String reference) throws JimgException {
    if (reference != null && reference.startsWith(Digest.ALGORITHM + ":")) {
      return Digest.parse(reference).toString();
    }
    if (reference == null || !TAG.matcher(reference).matches()) {
      throw new JimgException(JimgException.Reason.USAGE, "not a tag or sha256 digest: " + reference);
    }
    return reference;
  }

  static String tag(String tag) throws JimgException {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new JimgException(JimgException.Reason.USAGE, "not a tag: " + tag);
    }
    return tag;
  }

  /** {@code :TAG} or {@code @sha256:…}, as a reference writes it after the repository. */
  static String suffix(String reference) {
    return (reference.startsWith(Digest.ALGORITHM + ":") ? "@" : ":") + reference;
  }

  /** {@code REGISTRY/REPOSITORY:TAG} or {@code …@sha256:…}, for messages. */
  static String show(String registry, String repository, String reference) {
    return registry + "/" + repository + suffix(reference);
  }
}
