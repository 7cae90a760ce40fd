package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import io.jimg.transfer.testing.RegistryServer;
import io.jimg.transfer.testing.StallingRelay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * jimg's client against Debian's docker-registry: push, pull back, an upload whose connection drops mid-chunk, TLS
 * with Basic auth, skipped blobs, mounts.
 */
class DistributionRegistryTest {
  private static final Platform AMD64 = new Platform("linux", "amd64", null);

  private static RegistryClient.Builder client(RegistryServer server) {
    return RegistryClient.builder(server.host()).insecure(server.caFile() == null)
        .httpOptions(MockRegistryTest.quickOptions().withCaFile(server.caFile()));
  }

  private static void assertPulledBack(RegistryClient client, String repository, String tag, TestImage image)
      throws JimgException {
    Resolved resolved = client.resolve(repository, tag, AMD64);
    assertEquals(image.manifestDigest(), resolved.digest());
    assertArrayEquals(image.config(), Pushes.fetch(client, repository, resolved.manifest().config()));
    for (int i = 0; i < image.layers().size(); i++) {
      assertArrayEquals(image.layers().get(i), Pushes.fetch(client, repository, resolved.manifest().layers().get(i)));
    }
  }

  @Test
  void anImagePushedInOneAndInChunkedUploadsPullsBackTheSame() throws Exception {
    TestImage image = TestImage.of(21, 3_000_000, 40_000);
    try (RegistryServer server = RegistryServer.start()) {
      // The large layer goes in 1 MiB PATCH chunks, the rest in one PUT each.
      RegistryClient client = client(server).chunking(1_000_000, 1 << 20).build();
      assertEquals(3, Pushes.push(client, "team/app", "v1", image).size());
      assertPulledBack(client, "team/app", "v1", image);
      List<String> requests = server.requests();
      assertEquals(3, requests.stream().filter(r -> r.startsWith("PATCH /v2/team/app/blobs/uploads/")).count(),
          requests.toString());
      assertEquals(3, requests.stream().filter(r -> r.matches("PUT /v2/team/app/blobs/uploads/\\S+ 201")).count(),
          requests.toString());
    }
  }

  @Test
  void aChunkedUploadWhoseConnectionDropsStartsAgainWhereTheRegistryLostIt() throws Exception {
    TestImage image = TestImage.of(25, 3_000_000);
    try (RegistryServer server = RegistryServer.start();
        StallingRelay relay = StallingRelay.cuttingOnceAfter(Integer.parseInt(server.host().split(":")[1]),
            1_500_000)) {
      List<Long> resumedAt = new ArrayList<>();
      RegistryClient client = RegistryClient.builder("127.0.0.1:" + relay.port()).insecure(true)
          .httpOptions(MockRegistryTest.quickOptions()).chunking(1_000_000, 1 << 20).listener(new RegistryListener() {
            @Override
            public void resumed(Digest blob, long offset) {
              resumedAt.add(offset);
            }
          }).build();
      Pushes.push(client, "team/app", "v1", image);
      assertEquals(0, relay.stalled().getCount(), "the relay dropped a connection in the middle of the layer");
      // docker-registry kept the part of the broken chunk it had read, and so refuses the upload's last state (or,
      // where its status answered before it stored that part, the chunk resumed from there): the blob went again in
      // a new upload.
      assertEquals(0L, resumedAt.get(resumedAt.size() - 1), resumedAt.toString());
      List<String> requests = server.requests();
      assertEquals(3, requests.stream().filter(r -> r.startsWith("POST /v2/team/app/blobs/uploads/ 202")).count(),
          "the layer's upload, its new one and the config's: " + requests);
      assertPulledBack(client(server).build(), "team/app", "v1", image);
    }
  }

  @Test
  void tlsWithTheCaFileAndBasicAuthPushAndPull() throws Exception {
    TestImage image = TestImage.of(22, 10_000, 20_000);
    try (RegistryServer server = RegistryServer.start(true, true)) {
      RegistryClient client = client(server)
          .credentials(() -> new Credentials(RegistryServer.USER, RegistryServer.PASSWORD)).build();
      Pushes.push(client, "secure/app", "v1", image);
      assertPulledBack(client, "secure/app", "v1", image);

      JimgException anonymous = assertThrows(JimgException.class,
          () -> client(server).build().resolve("secure/app", "v1", AMD64));
      assertTrue(anonymous.getMessage().contains("asks for a user name and password"), anonymous.getMessage());
      JimgException wrong = assertThrows(JimgException.class, () -> client(server)
          .credentials(() -> new Credentials(RegistryServer.USER, "wrong")).build().resolve("secure/app", "v1", AMD64));
      assertTrue(wrong.getMessage().contains("access denied"), wrong.getMessage());
      JimgException untrusted = assertThrows(JimgException.class, () -> RegistryClient.builder(server.host())
          .httpOptions(MockRegistryTest.quickOptions()).build().resolve("secure/app", "v1", AMD64));
      assertTrue(untrusted.getMessage().contains("TLS"), untrusted.getMessage());
    }
  }

  @Test
  void aSecondPushUploadsNoBlob() throws Exception {
    TestImage image = TestImage.of(23, 50_000, 60_000);
    try (RegistryServer server = RegistryServer.start()) {
      RegistryClient client = client(server).build();
      Pushes.push(client, "team/app", "v1", image);
      int before = server.requests().size();
      assertEquals(List.of(), Pushes.push(client, "team/app", "v2", image));
      List<String> second = server.requests().subList(before, server.requests().size());
      assertTrue(second.stream().noneMatch(r -> r.contains("/blobs/uploads/")), second.toString());
      assertEquals(3, second.stream().filter(r -> r.startsWith("HEAD /v2/team/app/blobs/sha256:")).count(),
          second.toString());
      assertPulledBack(client, "team/app", "v2", image);
    }
  }

  @Test
  void blobsMountFromAnotherRepositoryOfTheSameRegistry() throws Exception {
    TestImage image = TestImage.of(24, 70_000);
    try (RegistryServer server = RegistryServer.start()) {
      RegistryClient client = client(server).build();
      Pushes.push(client, "team/base", "v1", image);
      for (Descriptor blob : List.of(image.manifest().config(), image.manifest().layers().get(0))) {
        assertTrue(client.mountBlob("team/derived", blob.digest(), "team/base"));
        assertTrue(client.hasBlob("team/derived", blob.digest()));
      }
      assertEquals(List.of(), Pushes.push(client, "team/derived", "v1", image));
      assertPulledBack(client, "team/derived", "v1", image);
      assertEquals(false, client.mountBlob("team/other", Digest.of(new byte[] {1}), "team/base"),
          "a blob the source lacks falls back to an upload");
    }
  }
}
