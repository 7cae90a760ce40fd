package io.jimg.transfer.pull;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/** A web server's files for MockWebServer: ETags from content, If-None-Match answered with 304, bodies counted. */
final class FakeMirror extends Dispatcher {
  final Map<String, byte[]> files = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> bodiesSent = new ConcurrentHashMap<>();

  /** A MockWebServer serving these files, started; the caller closes it. */
  MockWebServer serve() throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(this);
    server.start();
    return server;
  }

  void put(String path, byte[] content) {
    files.put(path, content);
  }

  int bodies(String path) {
    AtomicInteger count = bodiesSent.get(path);
    return count == null ? 0 : count.get();
  }

  static String etag(byte[] content) {
    try {
      return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16) + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    byte[] content = files.get(path);
    if (content == null) {
      return new MockResponse.Builder().code(404).build();
    }
    String etag = etag(content);
    String ifNoneMatch = request.getHeaders().get("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
      return new MockResponse.Builder().code(304).addHeader("ETag", etag).build();
    }
    bodiesSent.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    return new MockResponse.Builder().code(200).addHeader("ETag", etag).body(new Buffer().write(content)).build();
  }
}
