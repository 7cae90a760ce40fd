package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.SelfSignedCertificate;
import io.jimg.transfer.testing.RegistryServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer flow against docker-registry's token auth, with MockWebServer as the token server. */
class TokenRegistryTest {
  @TempDir Path temp;

  @Test
  void pushAndPullWithTokensFetchedOncePerScope() throws Exception {
    TokenIssuer issuer = new TokenIssuer(new SelfSignedCertificate(temp), "user", "pw");
    try (MockWebServer tokens = new MockWebServer()) {
      tokens.setDispatcher(issuer);
      tokens.start(InetAddress.getByName("127.0.0.1"), 0);
      String realm = "http://127.0.0.1:" + tokens.getPort() + "/token";
      try (RegistryServer server = RegistryServer.startWithTokens(new RegistryServer.TokenAuth(realm,
          TokenIssuer.SERVICE, TokenIssuer.ISSUER, temp.resolve("cert.pem")))) {
        TestImage image = TestImage.of(41, 20_000, 30_000);
        RegistryClient client = RegistryClient.builder(server.host()).insecure(true)
            .httpOptions(MockRegistryTest.quickOptions()).credentials(() -> new Credentials("user", "pw")).build();
        Pushes.push(client, "team/app", "v1", image);
        Resolved resolved = client.resolve("team/app", "v1", new Platform("linux", "amd64", null));
        assertArrayEquals(image.layers().get(1), Pushes.fetch(client, "team/app", resolved.manifest().layers().get(1)));
        // A token for the first HEAD's scope, one for the uploads' and the manifest's; the pull reuses the first.
        assertEquals(List.of(List.of("repository:team/app:pull"), List.of("repository:team/app:pull,push")),
            issuer.requests());

        JimgException refused = assertThrows(JimgException.class, () -> RegistryClient.builder(server.host())
            .insecure(true).httpOptions(MockRegistryTest.quickOptions()).build()
            .resolve("team/app", "v1", new Platform("linux", "amd64", null)));
        assertTrue(refused.getMessage().contains("UNAUTHORIZED: unknown user"), refused.getMessage());
      }
    }
  }
}
