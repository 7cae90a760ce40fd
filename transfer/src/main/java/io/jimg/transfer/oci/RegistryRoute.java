package io.jimg.transfer.oci;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the registry API for one repository answers, after registries.conf: the primary endpoint (its location,
 * the prefix rewritten) and the mirrors to try before it, in the order written.
 */
public record RegistryRoute(DockerReference reference, Endpoint primary, List<Endpoint> mirrors) {
  public RegistryRoute {
    mirrors = List.copyOf(mirrors);
  }

  /**
   * One place to ask: {@code host} is what the API is reached at ({@code registry-1.docker.io} for docker.io),
   * {@code repository} the name there; {@code insecure} allows plain HTTP and an unverified certificate there.
   */
  public record Endpoint(String host, String repository, boolean insecure) {
    static Endpoint of(String name, boolean insecure) {
      int slash = name.indexOf('/');
      String domain = name.substring(0, slash);
      String host = domain.equals(DockerReference.DOCKER_HUB) ? DockerReference.DOCKER_HUB_ENDPOINT : domain;
      return new Endpoint(host, name.substring(slash + 1), insecure);
    }
  }

  /** The mirrors, then the primary: the order a pull tries them in. */
  public List<Endpoint> pullOrder() {
    List<Endpoint> order = new ArrayList<>(mirrors);
    order.add(primary);
    return order;
  }

  /**
   * The route of a fully qualified reference under {@code conf}: the {@code [[registry]]} with the longest
   * matching prefix rewrites the name to its location and adds its mirrors; none matching leaves the name as it
   * is. A blocked registry is an error naming the file that blocks it.
   */
  public static RegistryRoute of(RegistriesConf conf, DockerReference reference) throws JimgException {
    String name = reference.name();
    RegistryEntry entry = conf.registryFor(name);
    if (entry == null) {
      return new RegistryRoute(reference, Endpoint.of(name, false), List.of());
    }
    if (entry.blocked()) {
      throw new JimgException(Reason.USAGE, "registry '" + entry.prefix() + "' is blocked in " + entry.source()
          + "; " + name + " cannot be pulled or pushed");
    }
    String rest = name.substring(entry.match(name));
    List<Endpoint> mirrors = new ArrayList<>();
    for (RegistryEntry.Mirror mirror : entry.mirrors()) {
      mirrors.add(endpoint(mirror.location(), rest, name, mirror.insecure(), entry));
    }
    return new RegistryRoute(reference, endpoint(entry.location(), rest, name, entry.insecure(), entry), mirrors);
  }

  /** {@code location} with the part of the name after the prefix; a wildcard prefix's (no location) keeps the name. */
  private static Endpoint endpoint(String location, String rest, String name, boolean insecure, RegistryEntry entry)
      throws JimgException {
    String rewritten = location.isEmpty() ? name : location + rest;
    if (rewritten.indexOf('/') <= 0 || rewritten.endsWith("/")) {
      throw new JimgException(Reason.USAGE, "the [[registry]] '" + entry.prefix() + "' of " + entry.source()
          + " rewrites " + name + " to '" + rewritten + "', which names no repository");
    }
    return Endpoint.of(rewritten, insecure);
  }
}
