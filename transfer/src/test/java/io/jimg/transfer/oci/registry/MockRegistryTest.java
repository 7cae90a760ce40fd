package io.jimg.transfer.oci.registry;

import io.jimg.transfer.http.HttpOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A registry played by MockWebServer for the protocol's details and a hostile registry's answers. */
abstract class MockRegistryTest {
  MockWebServer registry;

  @BeforeEach
  void startRegistry() throws IOException {
    registry = new MockWebServer();
    registry.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  static String hostOf(MockWebServer server) {
    return server.url("/").host() + ":" + server.url("/").port();
  }

  static HttpOptions quickOptions() {
    return HttpOptions.defaults().withEnvironment(Map.of()).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  RegistryClient.Builder client() {
    return RegistryClient.builder(hostOf(registry)).insecure(true).httpOptions(quickOptions());
  }

  static MockResponse ok(byte[] body, String contentType) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", contentType)
        .body(new Buffer().write(body)).build();
  }

  static MockResponse status(int code, String... headers) {
    MockResponse.Builder response = new MockResponse.Builder().code(code);
    for (String header : headers) {
      response.addHeader(header);
    }
    return response.build();
  }

  static RecordedRequest take(MockWebServer server) throws InterruptedException {
    RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("no request reached " + server);
    }
    return request;
  }

  /** A clock a test moves by hand: tokens expire when the test says so. */
  static final class HandClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
