package io.jimg.transfer.pull;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The file a pull's URL names, and the URLs of the files a mirror keeps beside it. */
final class PullUrls {
  private PullUrls() {}

  /** The last path component, decoded; empty where the URL names a directory. */
  static String fileName(URI url) {
    String path = url.getRawPath();
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return "";
    }
    String raw = path.substring(path.lastIndexOf('/') + 1);
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The file {@code fileName} in the URL's directory, its name escaped as one path component. */
  static URI sibling(URI url, String fileName) {
    return url.resolve(URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20"));
  }
}
