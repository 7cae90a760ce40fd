package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest extends MockRegistryTest {
  private static final Platform AMD64 = new Platform("linux", "amd64", null);
  private final TestImage image = TestImage.of(11, 10);

  @TempDir Path temp;

  private MockResponse manifest() {
    return ok(image.manifestBytes(), MediaTypes.OCI_MANIFEST);
  }

  private MockResponse bearerChallenge(String realm) {
    return status(401, "WWW-Authenticate: Bearer realm=\"" + realm + "\",service=\"reg.test\","
        + "scope=\"repository:team/app:pull\"");
  }

  private static MockResponse token(String token, int expiresIn) {
    return new MockResponse.Builder().code(200).body(new Buffer().writeString(
        "{\"token\":\"" + token + "\",\"expires_in\":" + expiresIn + "}", StandardCharsets.UTF_8)).build();
  }

  @Test
  void aBearerChallengeIsAnsweredWithATokenFetchedWithTheCredentials() throws Exception {
    registry.enqueue(bearerChallenge(registry.url("/token").toString()));
    registry.enqueue(token("t1", 300));
    registry.enqueue(manifest());
    client().credentials(() -> new Credentials("user", "pw")).build().resolve("team/app", "v1", AMD64);
    assertNull(take(registry).getHeaders().get("Authorization"));
    RecordedRequest tokenRequest = take(registry);
    assertEquals("/token", tokenRequest.getUrl().encodedPath());
    assertEquals("reg.test", tokenRequest.getUrl().queryParameter("service"));
    assertEquals("repository:team/app:pull", tokenRequest.getUrl().queryParameter("scope"));
    assertEquals(okhttp3.Credentials.basic("user", "pw"), tokenRequest.getHeaders().get("Authorization"));
    assertEquals("Bearer t1", take(registry).getHeaders().get("Authorization"));
  }

  @Test
  void aTokenIsKeptForItsScopeUntilItExpires() throws Exception {
    HandClock clock = new HandClock();
    RegistryClient client = client().clock(clock).build();
    registry.enqueue(bearerChallenge(registry.url("/token").toString()));
    registry.enqueue(token("t1", 300));
    registry.enqueue(manifest());
    client.resolve("team/app", "v1", AMD64);
    clock.advance(Duration.ofSeconds(299));
    registry.enqueue(manifest());
    client.resolve("team/app", "v1", AMD64);
    clock.advance(Duration.ofSeconds(2));
    registry.enqueue(bearerChallenge(registry.url("/token").toString()));
    registry.enqueue(token("t2", 300));
    registry.enqueue(manifest());
    client.resolve("team/app", "v1", AMD64);
    for (int i = 0; i < 3; i++) {
      take(registry);
    }
    assertEquals("Bearer t1", take(registry).getHeaders().get("Authorization"));
    assertNull(take(registry).getHeaders().get("Authorization"), "the expired token is not sent");
    assertEquals("/token", take(registry).getUrl().encodedPath());
    assertEquals("Bearer t2", take(registry).getHeaders().get("Authorization"));
    assertEquals(7, registry.getRequestCount());
  }

  @Test
  void aBasicChallengeIsAnsweredWithTheCredentialsOrExplainsWhatIsMissing() throws Exception {
    registry.enqueue(status(401, "WWW-Authenticate: Basic realm=\"registry\""));
    registry.enqueue(manifest());
    registry.enqueue(manifest());
    RegistryClient client = client().credentials(() -> new Credentials("user", "pw")).build();
    client.resolve("team/app", "v1", AMD64);
    client.resolve("team/app", "v1", AMD64);
    take(registry);
    String basic = okhttp3.Credentials.basic("user", "pw");
    assertEquals(basic, take(registry).getHeaders().get("Authorization"));
    assertEquals(basic, take(registry).getHeaders().get("Authorization"), "Basic on every later request");

    registry.enqueue(status(401, "WWW-Authenticate: Basic realm=\"registry\""));
    JimgException e = assertThrows(JimgException.class, () -> client().build().resolve("team/app", "v1", AMD64));
    assertTrue(e.getMessage().contains("asks for a user name and password"), e.getMessage());
  }

  @Test
  void refusedCredentialsAreAccessDeniedAfterOneRetry() {
    registry.enqueue(status(401, "WWW-Authenticate: Basic realm=\"registry\""));
    registry.enqueue(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate: Basic realm=\"registry\"")
        .body("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}").build());
    JimgException e = assertThrows(JimgException.class, () -> client()
        .credentials(() -> new Credentials("user", "wrong")).build().resolve("team/app", "v1", AMD64));
    assertTrue(e.getMessage().contains("access denied (UNAUTHORIZED: authentication required)"), e.getMessage());
    assertEquals(2, registry.getRequestCount());
  }

  @Test
  void aRealmOverHttpForAnHttpsRegistryIsRefused() throws Exception {
    SelfSignedCertificate certificate = new SelfSignedCertificate(temp);
    try (MockWebServer tls = new MockWebServer(); MockWebServer realm = new MockWebServer()) {
      tls.useHttps(certificate.serverContext().getSocketFactory());
      tls.start();
      realm.start();
      tls.enqueue(bearerChallenge(realm.url("/token").toString()));
      RegistryClient client = RegistryClient.builder(hostOf(tls))
          .httpOptions(quickOptions().withCaFile(certificate.certificate))
          .credentials(() -> new Credentials("user", "pw")).build();
      JimgException e = assertThrows(JimgException.class, () -> client.resolve("team/app", "v1", AMD64));
      assertTrue(e.getMessage().contains("plain http for an https registry"), e.getMessage());
      assertEquals(0, realm.getRequestCount());
    }
  }

  @Test
  void aRealmOverHttpOnAnotherHostIsRefused() throws Exception {
    try (MockWebServer realm = new MockWebServer()) {
      realm.start();
      // The same machine under two names: to a client, two hosts.
      registry.enqueue(bearerChallenge("http://127.0.0.1:" + realm.url("/").port() + "/token"));
      JimgException e = assertThrows(JimgException.class, () -> RegistryClient.builder("localhost:"
          + registry.url("/").port()).insecure(true).httpOptions(quickOptions())
          .credentials(() -> new Credentials("user", "pw")).build().resolve("team/app", "v1", AMD64));
      assertTrue(e.getMessage().contains("on another host than the registry's"), e.getMessage());
      assertEquals(0, realm.getRequestCount());
    }
  }
}
