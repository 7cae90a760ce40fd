package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class ResolveTest extends MockRegistryTest {
  private static final Platform AMD64 = new Platform("linux", "amd64", null);
  private final TestImage image = TestImage.of(7, 100, 200);

  private MockResponse manifest(byte[] bytes, Digest advertised) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
        .addHeader("Docker-Content-Digest", advertised.toString()).body(new Buffer().write(bytes)).build();
  }

  private JimgException failure(String reference, Platform platform) {
    return assertThrows(JimgException.class, () -> client().build().resolve("team/app", reference, platform));
  }

  @Test
  void aTagResolvesToItsVerifiedManifestAskingForEveryTypeJimgReads() throws Exception {
    registry.enqueue(manifest(image.manifestBytes(), image.manifestDigest()));
    Resolved resolved = client().build().resolve("team/app", "v1", AMD64);
    assertEquals(image.manifest(), resolved.manifest());
    assertEquals(image.manifestDigest(), resolved.digest());
    assertArrayEquals(image.manifestBytes(), resolved.bytes());
    RecordedRequest request = take(registry);
    assertEquals("/v2/team/app/manifests/v1", request.getUrl().encodedPath());
    for (String type : List.of(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_LIST,
        MediaTypes.DOCKER_MANIFEST)) {
      assertTrue(request.getHeaders().get("Accept").contains(type), type);
    }
  }

  @Test
  void bytesThatDoNotHashToTheReferencesDigestFail() {
    Digest other = Digest.of("other".getBytes(StandardCharsets.UTF_8));
    registry.enqueue(manifest(image.manifestBytes(), image.manifestDigest()));
    JimgException e = failure(other.toString(), AMD64);
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains("digest mismatch") && e.getMessage().contains(other.toString()),
        e.getMessage());
  }

  @Test
  void aDockerContentDigestThatDoesNotMatchTheBytesFails() {
    registry.enqueue(manifest(image.manifestBytes(), Digest.of(new byte[1])));
    JimgException e = failure("v1", AMD64);
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains("Docker-Content-Digest"), e.getMessage());
  }

  @Test
  void aManifestOverFourMibIsRefusedUnread() {
    byte[] huge = new byte[4 * 1024 * 1024 + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    registry.enqueue(manifest(huge, Digest.of(huge)));
    JimgException e = failure("v1", AMD64);
    assertTrue(e.getMessage().contains("larger than 4 MiB"), e.getMessage());
  }

  @Test
  void aManifestOf129LayersIsRefused() {
    List<Descriptor> layers = java.util.Collections.nCopies(129, image.manifest().layers().get(0));
    byte[] bytes = new ImageManifest(MediaTypes.OCI_MANIFEST, image.manifest().config(), layers).toJson();
    registry.enqueue(manifest(bytes, Digest.of(bytes)));
    JimgException e = failure("v1", AMD64);
    assertTrue(e.getMessage().contains("more than 128"), e.getMessage());
  }

  @Test
  void schemaOneIsRefusedWithWhatToDo() {
    byte[] bytes = "{\"schemaVersion\":1,\"name\":\"team/app\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8);
    registry.enqueue(ok(bytes, MediaTypes.DOCKER_SCHEMA1_SIGNED));
    JimgException e = failure("old", AMD64);
    assertTrue(e.getMessage().endsWith("/team/app:old uses Docker's schema 1 manifest, which jimg does not read;"
        + " push it again with a current client"), e.getMessage());
  }

  @Test
  void anIndexGivesTheEntryOfThePlatformVerifiedByItsDigest() throws Exception {
    TestImage arm = TestImage.of(8, 50);
    ImageIndex index = new ImageIndex(MediaTypes.OCI_INDEX, List.of(
        image.manifestDescriptor(AMD64),
        arm.manifestDescriptor(new Platform("linux", "arm64", null)),
        TestImage.of(9, 5).manifestDescriptor(new Platform("linux", "arm", "v7"))));
    registry.enqueue(ok(index.toJson(), MediaTypes.OCI_INDEX));
    registry.enqueue(manifest(arm.manifestBytes(), arm.manifestDigest()));
    registry.enqueue(ok(index.toJson(), MediaTypes.OCI_INDEX));
    registry.enqueue(manifest(image.manifestBytes(), image.manifestDigest()));
    RegistryClient client = client().build();
    Resolved arm64 = client.resolve("team/app", "multi", Platform.parse("linux/arm64/v8"));
    assertEquals(arm.manifest(), arm64.manifest());
    assertEquals(Digest.of(index.toJson()), arm64.referenceDigest());
    assertEquals(image.manifest(), client.resolve("team/app", "multi", AMD64).manifest());
    take(registry);
    assertEquals("/v2/team/app/manifests/" + arm.manifestDigest(), take(registry).getUrl().encodedPath());

    registry.enqueue(ok(index.toJson(), MediaTypes.OCI_INDEX));
    JimgException none = assertThrows(JimgException.class,
        () -> client.resolve("team/app", "multi", Platform.parse("linux/s390x")));
    assertEquals(JimgException.Reason.NOT_FOUND, none.reason());
    assertTrue(none.getMessage().contains("linux/amd64, linux/arm64, linux/arm/v7"), none.getMessage());
  }

  @Test
  void anIndexLeadingBackToItselfFailsItsDigestCheckAndStops() {
    Digest promised = image.manifestDigest();
    byte[] index = new ImageIndex(MediaTypes.OCI_INDEX,
        List.of(new Descriptor(MediaTypes.OCI_INDEX, promised, 400, AMD64, java.util.Map.of()))).toJson();
    registry.enqueue(ok(index, MediaTypes.OCI_INDEX));
    registry.enqueue(ok(index, MediaTypes.OCI_INDEX)); // the same index again, for the digest it named
    JimgException e = failure("loop", AMD64);
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains("expected " + promised), e.getMessage());
  }

  @Test
  void indexesNestAtMostTwoLevels() {
    byte[] innermost = new ImageIndex(MediaTypes.OCI_INDEX, List.of(image.manifestDescriptor(AMD64))).toJson();
    byte[] inner = new ImageIndex(MediaTypes.OCI_INDEX, List.of(new Descriptor(MediaTypes.OCI_INDEX,
        Digest.of(innermost), innermost.length, AMD64, java.util.Map.of()))).toJson();
    byte[] outer = new ImageIndex(MediaTypes.OCI_INDEX, List.of(new Descriptor(MediaTypes.OCI_INDEX,
        Digest.of(inner), inner.length, AMD64, java.util.Map.of()))).toJson();
    registry.enqueue(ok(outer, MediaTypes.OCI_INDEX));
    registry.enqueue(ok(inner, MediaTypes.OCI_INDEX));
    registry.enqueue(ok(innermost, MediaTypes.OCI_INDEX));
    JimgException e = failure("deep", AMD64);
    assertTrue(e.getMessage().contains("nest deeper than 2 levels"), e.getMessage());
  }

  @Test
  void anUnknownTagIsNoSuchImageAndOtherErrorsQuoteTheRegistry() {
    registry.enqueue(new MockResponse.Builder().code(404).body(
        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}").build());
    JimgException missing = failure("nope", AMD64);
    assertEquals(JimgException.Reason.NOT_FOUND, missing.reason());
    assertEquals("no such image team/app:nope in registry " + hostOf(registry), missing.getMessage());

    registry.enqueue(new MockResponse.Builder().code(400).body(
        "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"invalid\\nrepository name\"}]}").build());
    JimgException invalid = failure("v1", AMD64);
    assertEquals(hostOf(registry) + "/team/app:v1: NAME_INVALID: invalid repository name", invalid.getMessage());
  }

  @Test
  void namesThatWouldLeaveThePathAreRefusedBeforeAnyRequest() throws Exception {
    RegistryClient client = client().build();
    assertThrows(JimgException.class, () -> client.resolve("../etc", "v1", AMD64));
    assertThrows(JimgException.class, () -> client.resolve("team/app", "v1?x=1", AMD64));
    assertThrows(JimgException.class, () -> client.resolve("Team/App", "v1", AMD64));
    for (String registry : List.of("host/path", "user@host", "host:port", "")) {
      assertThrows(JimgException.class, () -> RegistryClient.builder(registry).build(), registry);
    }
    assertEquals(0, registry.getRequestCount());
  }
}
