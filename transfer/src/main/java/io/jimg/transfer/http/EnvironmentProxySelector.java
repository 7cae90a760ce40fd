package io.jimg.transfer.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Proxies as curl and systemd-pull take them from the environment: {@code https_proxy}/{@code HTTPS_PROXY} for
 * https, {@code http_proxy}/{@code HTTP_PROXY} for http, lower case first, and {@code no_proxy}/{@code NO_PROXY}
 * naming hosts and domains (a leading dot optional, {@code *} for all) that are reached directly.
 */
final class EnvironmentProxySelector extends ProxySelector {
  private final Map<String, String> environment;

  EnvironmentProxySelector(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The proxy URI for a URL, or null for a direct connection. */
  URI proxyFor(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String setting = switch (scheme) {
      case "https" -> first("https_proxy", "HTTPS_PROXY");
      case "http" -> first("http_proxy", "HTTP_PROXY");
      default -> null;
    };
    if (setting == null || setting.isBlank() || bypasses(uri.getHost())) {
      return null;
    }
    return URI.create(setting.contains("://") ? setting : "http://" + setting);
  }

  @Override
  public List<Proxy> select(URI uri) {
    URI proxy = proxyFor(uri);
    if (proxy == null) {
      return List.of(Proxy.NO_PROXY);
    }
    int port = proxy.getPort() == -1 ? 1080 : proxy.getPort();
    return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.getHost(), port)));
  }

  private boolean bypasses(String host) {
    String noProxy = first("no_proxy", "NO_PROXY");
    if (noProxy == null || host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    List<String> entries = new ArrayList<>();
    for (String entry : noProxy.split("[,\\s]+")) {
      if (!entry.isEmpty()) {
        entries.add(entry.toLowerCase(Locale.ROOT));
      }
    }
    for (String entry : entries) {
      if (entry.equals("*")) {
        return true;
      }
      String domain = entry.startsWith(".") ? entry.substring(1) : entry;
      if (h.equals(domain) || h.endsWith("." + domain)) {
        return true;
      }
    }
    return false;
  }

  private String first(String lower, String upper) {
    String value = environment.get(lower);
    return value != null && !value.isEmpty() ? value : environment.get(upper);
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException e) {}
}
