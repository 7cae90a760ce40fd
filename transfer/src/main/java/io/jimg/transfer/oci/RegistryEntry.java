package io.jimg.transfer.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code [[registry]]} table of registries.conf: the names under {@code prefix} are pulled from
 * {@code location} (the prefix rewritten), tried first at its mirrors in order; {@code source} is the file that
 * said so, for messages.
 */
public record RegistryEntry(String prefix, String location, boolean insecure, boolean blocked, List<Mirror> mirrors,
    Path source) {
  public RegistryEntry {
    mirrors = List.copyOf(mirrors);
  }

  /** A {@code [[registry.mirror]]}: another location with the same content. */
  public record Mirror(String location, boolean insecure) {}

  /**
   * How many characters of {@code name} (a {@code REGISTRY/REPOSITORY} name) this prefix matches, or -1 where it
   * does not: the whole name, or up to a '/', as containers/image's refMatchingPrefix decides; {@code *.DOMAIN}
   * matches any subdomain of DOMAIN as the first component.
   */
  int match(String name) {
    if (prefix.startsWith("*.")) {
      String suffix = prefix.substring(1);
      int slash = name.indexOf('/');
      String host = slash < 0 ? name : name.substring(0, slash);
      return host.endsWith(suffix) && host.length() > suffix.length() ? host.length() : -1;
    }
    if (name.equals(prefix)) {
      return prefix.length();
    }
    return name.startsWith(prefix) && name.charAt(prefix.length()) == '/' ? prefix.length() : -1;
  }
}
