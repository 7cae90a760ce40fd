package io.jimg.transfer.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetcherTest {
  private static final byte[] BODY = new byte[300_000];

  static {
    new Random(5).nextBytes(BODY);
  }

  @TempDir Path temp;
  MockWebServer server;
  final List<Duration> waits = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private Fetcher fetcher() throws JimgException {
    return new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(700))
        .withRetries(3, Duration.ofMillis(100), waits::add));
  }

  private FileChannel file() throws IOException {
    return FileChannel.open(temp.resolve("download"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  private static MockResponse.Builder ok(byte[] body) {
    return new MockResponse.Builder().code(200).body(new Buffer().write(body)).addHeader("ETag", "\"v1\"");
  }

  private static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  private URI url(String path) {
    return server.url(path).uri();
  }

  private JimgException failure(URI url, FileChannel file) {
    return assertThrows(JimgException.class,
        () -> fetcher().download(url, file, null, List.of(), Long.MAX_VALUE, DownloadObserver.NONE, StoreListener.NONE));
  }

  @Test
  void downloadsHashesRecordsTheEtagAndReportsProgress() throws Exception {
    server.enqueue(ok(BODY).build());
    List<String> etags = new ArrayList<>();
    List<Progress> progress = new ArrayList<>();
    try (FileChannel file = file()) {
      Download download = fetcher().download(url("/image.tar"), file, null, List.of(), Long.MAX_VALUE, etags::add,
          new StoreListener() {
            @Override
            public void progress(Progress p) {
              progress.add(p);
            }
          });
      assertFalse(download.notModified());
      assertEquals(BODY.length, download.size());
      assertArrayEquals(sha256(BODY), download.sha256());
      assertEquals("\"v1\"", download.etag());
    }
    assertArrayEquals(BODY, Files.readAllBytes(temp.resolve("download")));
    assertEquals(List.of("\"v1\""), etags);
    assertEquals(BODY.length, progress.get(progress.size() - 1).bytesDone());
    assertEquals(BODY.length, progress.get(0).bytesTotal());
    assertEquals("identity", server.takeRequest().getHeaders().get("Accept-Encoding"));
  }

  @Test
  void resumesWithRangeAfterACutConnectionAndHashesTheWholeFile() throws Exception {
    server.close();
    server = new MockWebServer();
    // The dispatcher only answers: what the requests held is checked on the test thread, where a failure shows.
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      int count;

      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (count++ == 0) {
          return ok(BODY).onResponseBody(new SocketEffect.CloseSocket(true, false, false)).build();
        }
        String range = request.getHeaders().get("Range");
        if (range == null || !range.matches("bytes=[0-9]+-")) {
          return new MockResponse.Builder().code(400).build();
        }
        int offset = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        byte[] rest = java.util.Arrays.copyOfRange(BODY, offset, BODY.length);
        return new MockResponse.Builder().code(206).body(new Buffer().write(rest)).addHeader("ETag", "\"v1\"")
            .addHeader("Content-Range", "bytes " + offset + "-" + (BODY.length - 1) + "/" + BODY.length).build();
      }
    });
    server.start();
    try (FileChannel file = file()) {
      Download download =
          fetcher().download(url("/image.tar"), file, null, List.of(), Long.MAX_VALUE, DownloadObserver.NONE, StoreListener.NONE);
      assertArrayEquals(sha256(BODY), download.sha256());
    }
    assertNull(server.takeRequest().getHeaders().get("Range"), "the first request asks for the whole body");
    RecordedRequest resumed = server.takeRequest();
    assertEquals("\"v1\"", resumed.getHeaders().get("If-Range"));
    String range = resumed.getHeaders().get("Range");
    assertTrue(range != null && range.matches("bytes=[0-9]+-"), "Range: " + range);
    int offset = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
    assertTrue(offset > 0 && offset < BODY.length, "resumed at " + offset);
    assertEquals(2, server.getRequestCount());
    assertArrayEquals(BODY, Files.readAllBytes(temp.resolve("download")));
  }

  @Test
  void restartsCleanlyWhenTheServerIgnoresRange() throws Exception {
    Files.write(temp.resolve("download"), "stale bytes of another file".getBytes());
    server.enqueue(ok(BODY).build());
    try (FileChannel file = file()) {
      Download download = fetcher().download(url("/image.tar"), file, "\"v0\"", List.of(), Long.MAX_VALUE,
          DownloadObserver.NONE, StoreListener.NONE);
      assertArrayEquals(sha256(BODY), download.sha256());
    }
    assertArrayEquals(BODY, Files.readAllBytes(temp.resolve("download")));
    RecordedRequest request = server.takeRequest();
    assertEquals("bytes=27-", request.getHeaders().get("Range"));
    assertEquals("\"v0\"", request.getHeaders().get("If-Range"));
  }

  @Test
  void restartsWhenA206ComesFromAnotherVersionOfTheFile() throws Exception {
    byte[] oldVersion = new byte[1000];
    java.util.Arrays.fill(oldVersion, (byte) 'x');
    Files.write(temp.resolve("download"), oldVersion);
    byte[] rest = java.util.Arrays.copyOfRange(BODY, 1000, BODY.length);
    server.enqueue(new MockResponse.Builder().code(206).body(new Buffer().write(rest)).addHeader("ETag", "\"v2\"")
        .addHeader("Content-Range", "bytes 1000-" + (BODY.length - 1) + "/" + BODY.length).build());
    server.enqueue(ok(BODY).build());
    try (FileChannel file = file()) {
      Download download = fetcher().download(url("/image.tar"), file, "\"v1\"", List.of(), Long.MAX_VALUE,
          DownloadObserver.NONE, StoreListener.NONE);
      assertArrayEquals(sha256(BODY), download.sha256());
    }
    server.takeRequest();
    assertNull(server.takeRequest().getHeaders().get("Range"), "the second request starts from zero");
  }

  @Test
  void refusesABodyLongerThanItsContentRangeAnnounces() throws Exception {
    Files.write(temp.resolve("download"), java.util.Arrays.copyOf(BODY, 1000));
    byte[] rest = java.util.Arrays.copyOfRange(BODY, 1000, BODY.length);
    server.enqueue(new MockResponse.Builder().code(206).body(new Buffer().write(rest)).addHeader("ETag", "\"v1\"")
        .addHeader("Content-Range", "bytes 1000-1999/2000").build());
    try (FileChannel file = file()) {
      JimgException e = assertThrows(JimgException.class, () -> fetcher().download(url("/image.tar"), file, "\"v1\"",
          List.of(), Long.MAX_VALUE, DownloadObserver.NONE, StoreListener.NONE));
      assertEquals(url("/image.tar") + ": the body is longer than the 2000 bytes announced", e.getMessage());
    }
  }

  @Test
  void answers304ToKnownEtags() throws Exception {
    server.enqueue(new MockResponse.Builder().code(304).addHeader("ETag", "\"v1\"").build());
    try (FileChannel file = file()) {
      Download download = fetcher().download(url("/image.tar"), file, null, List.of("\"v1\"", "\"v0\""),
          Long.MAX_VALUE, DownloadObserver.NONE, StoreListener.NONE);
      assertTrue(download.notModified());
    }
    assertEquals("\"v1\", \"v0\"", server.takeRequest().getHeaders().get("If-None-Match"));
  }

  @Test
  void reports404WithTheUrlAndWithoutRetrying() throws Exception {
    server.enqueue(new MockResponse.Builder().code(404).build());
    try (FileChannel file = file()) {
      JimgException e = failure(url("/missing.tar"), file);
      assertEquals(url("/missing.tar") + ": HTTP 404 Client Error", e.getMessage());
    }
    assertEquals(1, server.getRequestCount());
    server.enqueue(new MockResponse.Builder().code(404).build());
    assertNull(fetcher().fetchSmall(url("/SHA256SUMS"), 10));
  }

  @Test
  void retriesServerErrorsWithGrowingBackoff() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(502).build());
    server.enqueue(ok(BODY).build());
    try (FileChannel file = file()) {
      fetcher().download(url("/image.tar"), file, null, List.of(), Long.MAX_VALUE, DownloadObserver.NONE, StoreListener.NONE);
    }
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), waits);
  }

  @Test
  void givesUpOnABodyCutShortEveryTime() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(BODY))
          .onResponseBody(new SocketEffect.CloseSocket(true, false, false)).build());
    }
    try (FileChannel file = file()) {
      JimgException e = failure(url("/image.tar"), file);
      assertTrue(e.getMessage().startsWith(url("/image.tar") + ": "), e.getMessage());
      assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    }
  }

  @Test
  void abortsOnAStall() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(ok(BODY).bodyDelay(3, TimeUnit.SECONDS).build());
    }
    try (FileChannel file = file()) {
      assertTrue(failure(url("/image.tar"), file).getMessage().contains("stalled"));
    }
  }

  @Test
  void refusesABodyOverTheSizeLimit() throws Exception {
    server.enqueue(ok(BODY).build());
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody(new Buffer().write(BODY), 4096).build());
    for (int i = 0; i < 2; i++) {
      try (FileChannel file = file()) {
        JimgException e = assertThrows(JimgException.class, () -> fetcher().download(url("/image.tar"), file, null,
            List.of(), 1000, DownloadObserver.NONE, StoreListener.NONE));
        assertTrue(e.getMessage().contains("--size-max"), e.getMessage());
      }
    }
  }

  @Test
  void capsSmallFilesOneByteOverTheLimit() throws Exception {
    server.enqueue(ok(BODY).build());
    assertEquals(1001, fetcher().fetchSmall(url("/SHA256SUMS"), 1000).length);
  }

  @Test
  void refusesRedirectsToFileUrls() throws Exception {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "file:///etc/passwd").build());
    assertTrue(assertThrows(JimgException.class, () -> fetcher().fetchSmall(url("/SHA256SUMS"), 1000))
        .getMessage().contains("refusing a redirect from http to file"));
  }

  @Test
  void followsRedirectsFromHttpToHttps() throws Exception {
    SelfSignedCertificate certificate = new SelfSignedCertificate(temp);
    try (MockWebServer secure = new MockWebServer()) {
      secure.useHttps(certificate.serverContext().getSocketFactory());
      secure.start();
      secure.enqueue(ok("sums\n".getBytes()).build());
      server.enqueue(new MockResponse.Builder().code(301).addHeader("Location", secure.url("/SHA256SUMS")).build());
      Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(Map.of()).withCaFile(certificate.certificate));
      assertArrayEquals("sums\n".getBytes(), fetcher.fetchSmall(url("/SHA256SUMS"), 1000));
    }
  }

  @Test
  void refusesRedirectsFromHttpsToHttp() throws Exception {
    SelfSignedCertificate certificate = new SelfSignedCertificate(temp);
    try (MockWebServer secure = new MockWebServer()) {
      secure.useHttps(certificate.serverContext().getSocketFactory());
      secure.start();
      secure.enqueue(new MockResponse.Builder().code(302).addHeader("Location", url("/SHA256SUMS")).build());
      Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(Map.of()).withCaFile(certificate.certificate));
      JimgException e = assertThrows(JimgException.class, () -> fetcher.fetchSmall(secure.url("/SHA256SUMS").uri(), 1000));
      assertTrue(e.getMessage().contains("refusing a redirect from https to http"), e.getMessage());
      assertEquals(0, server.getRequestCount());
      // Without the CA file the self-signed server is not trusted at all.
      secure.enqueue(ok("x".getBytes()).build());
      assertTrue(assertThrows(JimgException.class, () -> fetcher().fetchSmall(secure.url("/x").uri(), 10))
          .getMessage().contains("TLS failed"));
    }
  }

  @Test
  void anEtagThatCouldNotBeSentBackCountsAsNone() throws Exception {
    List<String> etags = new ArrayList<>();
    for (String etag : List.of("\"caf\u00e9\"", "\"v1\" trailing", "unquoted", "\"" + "x".repeat(5000) + "\"")) {
      server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(BODY))
          .addHeaderLenient("ETag", etag).build());
      try (FileChannel file = file()) {
        Download download = fetcher().download(url("/image.tar"), file, null, List.of(), Long.MAX_VALUE, etags::add,
            StoreListener.NONE);
        assertNull(download.etag(), etag);
        assertArrayEquals(sha256(BODY), download.sha256());
      }
    }
    assertEquals(java.util.Arrays.asList(null, null, null, null), etags);
  }

  @Test
  void etagsThatCannotBeSentAreLeftOutOfTheRequest() throws Exception {
    Files.write(temp.resolve("download"), java.util.Arrays.copyOf(BODY, 1000));
    server.enqueue(ok(BODY).build());
    server.enqueue(new MockResponse.Builder().code(304).addHeader("ETag", "\"v1\"").build());
    try (FileChannel file = file()) {
      fetcher().download(url("/image.tar"), file, "\"caf\u00e9\"", List.of(), Long.MAX_VALUE, DownloadObserver.NONE,
          StoreListener.NONE);
      assertArrayEquals(BODY, Files.readAllBytes(temp.resolve("download")));
      file.truncate(0);
      assertTrue(fetcher().download(url("/image.tar"), file, null, List.of("\"caf\u00e9\"", "W/\"v0\"", "\"v1\""),
          Long.MAX_VALUE, DownloadObserver.NONE, StoreListener.NONE).notModified());
    }
    RecordedRequest resumed = server.takeRequest();
    assertNull(resumed.getHeaders().get("Range"), "no resuming under an ETag that cannot be sent");
    assertNull(resumed.getHeaders().get("If-Range"));
    assertEquals("W/\"v0\", \"v1\"", server.takeRequest().getHeaders().get("If-None-Match"));
  }

  @Test
  void aContentRangeBeyondAnyFileIsRefusedAsAnUnexpectedRange() throws Exception {
    Files.write(temp.resolve("download"), java.util.Arrays.copyOf(BODY, 1000));
    server.enqueue(new MockResponse.Builder().code(206).body(new Buffer().write(BODY)).addHeader("ETag", "\"v1\"")
        .addHeader("Content-Range", "bytes 1000-99999999999999999999/99999999999999999999").build());
    server.enqueue(ok(BODY).build());
    try (FileChannel file = file()) {
      Download download = fetcher().download(url("/image.tar"), file, "\"v1\"", List.of(), Long.MAX_VALUE,
          DownloadObserver.NONE, StoreListener.NONE);
      assertArrayEquals(sha256(BODY), download.sha256());
    }
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void aNegativeContentLengthIsAFailureOfTheServers() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(ok(BODY).setHeader("Content-Length", "-5").build());
    }
    try (FileChannel file = file()) {
      JimgException e = failure(url("/image.tar"), file);
      assertTrue(e.getMessage().startsWith(url("/image.tar") + ": "), e.getMessage());
    }
  }

  @Test
  void aRedirectToAnUnusableLocationIsRefused() throws Exception {
    for (String location : List.of("http://exa mple/x", "https://", "http://[::1/x", "http://x:99999/")) {
      server.enqueue(new MockResponse.Builder().code(302).addHeaderLenient("Location", location).build());
      JimgException e = assertThrows(JimgException.class, () -> fetcher().fetchSmall(url("/SHA256SUMS"), 10));
      assertEquals(url("/SHA256SUMS") + ": redirect to a Location that is no usable URL: " + location, e.getMessage());
    }
  }

  @Test
  void aFileUrlWithAHostIsRefusedClearly() {
    JimgException e = assertThrows(JimgException.class,
        () -> fetcher().fetchSmall(URI.create("file://mirror.example/SHA256SUMS"), 10));
    assertTrue(e.getMessage().startsWith("file://mirror.example/SHA256SUMS: not a local file URL"), e.getMessage());
  }

  @Test
  void readsFileUrls() throws Exception {
    Path mirror = temp.resolve("mirror.tar");
    Files.write(mirror, BODY);
    try (FileChannel file = file()) {
      Download download = fetcher().download(mirror.toUri(), file, null, List.of(), Long.MAX_VALUE,
          DownloadObserver.NONE, StoreListener.NONE);
      assertArrayEquals(sha256(BODY), download.sha256());
    }
    assertNull(fetcher().fetchSmall(temp.resolve("absent").toUri(), 10));
  }

  @Test
  void reportsARefusedConnectionAfterRetrying() throws Exception {
    int port;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + port + "/image.tar");
    try (FileChannel file = file()) {
      JimgException e = failure(url, file);
      assertTrue(e.getMessage().startsWith(url + ": cannot connect"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(after 3 attempts)"), e.getMessage());
    }
  }

  @Test
  void sendsRequestsThroughTheProxyTheEnvironmentNames() throws Exception {
    server.enqueue(ok("via proxy\n".getBytes()).build());
    Fetcher fetcher = new Fetcher(HttpOptions.defaults()
        .withEnvironment(Map.of("http_proxy", "http://127.0.0.1:" + server.getPort())));
    assertArrayEquals("via proxy\n".getBytes(), fetcher.fetchSmall(URI.create("http://images.example/SHA256SUMS"), 100));
    RecordedRequest request = server.takeRequest();
    assertEquals("images.example", request.getUrl().host());
    assertEquals("http://images.example/SHA256SUMS", request.getTarget());
  }

  @Test
  void takesProxiesFromTheEnvironment() {
    EnvironmentProxySelector proxies = new EnvironmentProxySelector(Map.of(
        "https_proxy", "http://proxy.example:3128", "HTTP_PROXY", "proxy2.example:8080",
        "no_proxy", "internal.example, .corp.example"));
    assertEquals(URI.create("http://proxy.example:3128"), proxies.proxyFor(URI.create("https://images.example/a")));
    assertEquals(URI.create("http://proxy2.example:8080"), proxies.proxyFor(URI.create("http://images.example/a")));
    assertNull(proxies.proxyFor(URI.create("https://internal.example/a")));
    assertNull(proxies.proxyFor(URI.create("https://mirror.corp.example/a")));
    assertEquals(URI.create("http://proxy.example:3128"), proxies.proxyFor(URI.create("https://notinternal.example/")));
    assertNull(new EnvironmentProxySelector(Map.of("HTTPS_PROXY", "p:1", "NO_PROXY", "*"))
        .proxyFor(URI.create("https://x.example/")));
  }
}
