package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;

class UploadTest extends MockRegistryTest {
  private final TestImage image = TestImage.of(5, 300);
  /** 300 bytes: three chunks of 100 where the test sets the chunk size so. */
  private final byte[] layer = new byte[300];
  private final Descriptor descriptor;

  UploadTest() {
    new java.util.Random(5).nextBytes(layer);
    descriptor = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer);
  }

  /** A client that sends chunks of 100 bytes (above 10) and notes where each upload resumed. */
  private RegistryClient chunkedRecordingResumes(List<Long> resumedAt) throws JimgException {
    return client().chunking(10, 100).listener(new RegistryListener() {
      @Override
      public void resumed(Digest blob, long offset) {
        resumedAt.add(offset);
      }
    }).build();
  }

  @Test
  void aSmallBlobGoesInOnePutWithItsDigest() throws Exception {
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=s"));
    registry.enqueue(status(201));
    client().build().uploadBlob("team/app", descriptor, BlobSource.of(layer));
    RecordedRequest post = take(registry);
    assertEquals("POST /v2/team/app/blobs/uploads/", post.getMethod() + " " + post.getTarget());
    RecordedRequest put = take(registry);
    assertEquals("PUT", put.getMethod());
    assertEquals("s", put.getUrl().queryParameter("_state"));
    assertEquals(descriptor.digest().toString(), put.getUrl().queryParameter("digest"));
    assertArrayEquals(layer, put.getBody().toByteArray());
  }

  @Test
  void aChunkedUploadResumesFromTheRegistrysRangeAfterADroppedConnection() throws Exception {
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=a"));
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=b", "Range: 0-99"));
    registry.enqueue(new MockResponse.Builder().code(202)
        .onRequestBody(new SocketEffect.CloseSocket(true, false, false)).build());
    registry.enqueue(status(204, "Location: /v2/team/app/blobs/uploads/u1?_state=c", "Range: 0-149"));
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=d", "Range: 0-249"));
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=e", "Range: 0-299"));
    registry.enqueue(status(201));
    List<Long> resumedAt = new ArrayList<>();
    chunkedRecordingResumes(resumedAt).uploadBlob("team/app", descriptor, BlobSource.of(layer));
    assertEquals(List.of(150L), resumedAt);
    take(registry);
    RecordedRequest first = take(registry);
    assertEquals("PATCH 0-99 a", first.getMethod() + " " + first.getHeaders().get("Content-Range") + " "
        + first.getUrl().queryParameter("_state"));
    assertEquals("application/octet-stream", first.getHeaders().get("Content-Type"));
    assertArrayEquals(Arrays.copyOfRange(layer, 0, 100), first.getBody().toByteArray());
    assertEquals("100-199", take(registry).getHeaders().get("Content-Range"));
    RecordedRequest status = take(registry);
    assertEquals("GET b", status.getMethod() + " " + status.getUrl().queryParameter("_state"));
    RecordedRequest resumed = take(registry);
    assertEquals("150-249", resumed.getHeaders().get("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(layer, 150, 250), resumed.getBody().toByteArray());
    RecordedRequest last = take(registry);
    assertEquals("250-299 d", last.getHeaders().get("Content-Range") + " " + last.getUrl().queryParameter("_state"));
    RecordedRequest put = take(registry);
    assertEquals("PUT e " + descriptor.digest(), put.getMethod() + " " + put.getUrl().queryParameter("_state") + " "
        + put.getUrl().queryParameter("digest"));
    assertEquals(0, put.getBodySize());
  }

  /**
   * docker-registry can answer the status of an upload before it has stored what it read of the broken chunk; the
   * chunk resumed from the offset it named is then refused, and the blob goes again in a new upload.
   */
  @Test
  void aResumedChunkTheRegistryRefusesStartsANewUpload() throws Exception {
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=a"));
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=b", "Range: 0-99"));
    registry.enqueue(new MockResponse.Builder().code(202)
        .onRequestBody(new SocketEffect.CloseSocket(true, false, false)).build());
    registry.enqueue(status(204, "Location: /v2/team/app/blobs/uploads/u1?_state=b", "Range: 0-99"));
    registry.enqueue(new MockResponse.Builder().code(416)
        .body("{\"errors\":[{\"code\":\"BLOB_UPLOAD_INVALID\",\"message\":\"blob upload invalid\"}]}").build());
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u2?_state=c"));
    for (String range : List.of("0-99", "0-199", "0-299")) {
      registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u2?_state=c", "Range: " + range));
    }
    registry.enqueue(status(201));
    List<Long> resumedAt = new ArrayList<>();
    chunkedRecordingResumes(resumedAt).uploadBlob("team/app", descriptor, BlobSource.of(layer));
    assertEquals(List.of(100L, 0L), resumedAt);
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RecordedRequest request = take(registry);
      requests.add(request.getMethod() + " " + request.getUrl().encodedPath().replaceAll(".*/", "") + " "
          + request.getHeaders().get("Content-Range"));
    }
    assertEquals(List.of("POST  null", "PATCH u1 0-99", "PATCH u1 100-199", "GET u1 null", "PATCH u1 100-199",
        "POST  null", "PATCH u2 0-99", "PATCH u2 100-199", "PATCH u2 200-299", "PUT u2 null"), requests);
  }

  @Test
  void aResumedChunkRefusedAgainAndAgainIsReported() {
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1"));
    for (int i = 0; i < 6; i++) {
      registry.enqueue(new MockResponse.Builder().code(202)
          .onRequestBody(new SocketEffect.CloseSocket(true, false, false)).build());
      registry.enqueue(status(204, "Location: /v2/team/app/blobs/uploads/u1", "Range: 0-49"));
      registry.enqueue(status(416));
      registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1"));
    }
    JimgException e = assertThrows(JimgException.class,
        () -> client().chunking(10, 100).build().uploadBlob("team/app", descriptor, BlobSource.of(layer)));
    assertTrue(e.getMessage().startsWith("upload of blob " + descriptor.digest()), e.getMessage());
  }

  @Test
  void aCancelledUploadStopsBetweenBuffers() {
    byte[] large = new byte[3 << 20];
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, large);
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1"));
    registry.enqueue(status(201));
    Cancellation cancellation = Cancellation.of("the push");
    List<Long> progress = new ArrayList<>();
    RegistryClient.Builder client = client().cancellation(cancellation).listener(new RegistryListener() {
      @Override
      public void progress(Digest digest, long done, long total) {
        progress.add(done);
        cancellation.cancel();
      }
    });
    JimgException e = assertThrows(JimgException.class,
        () -> client.build().uploadBlob("team/app", blob, BlobSource.of(large)));
    assertEquals(JimgException.Reason.CANCELLED, e.reason());
    assertEquals(List.of(1L << 20), progress);
  }

  @Test
  void anUploadLocationOnAnotherHostIsRefused() {
    registry.enqueue(status(202, "Location: http://elsewhere.test/upload"));
    JimgException e = assertThrows(JimgException.class,
        () -> client().build().uploadBlob("team/app", descriptor, BlobSource.of(layer)));
    assertTrue(e.getMessage().contains("to another host"), e.getMessage());
  }

  @Test
  void aStreamedBlobGoesInOnePatchOfUnknownLengthAndIsNamedByThePut() throws Exception {
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=a"));
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=b"));
    registry.enqueue(status(201));
    List<Long> sent = new ArrayList<>();
    StreamedUpload upload = client().build().streamBlob("team/app", BlobSource.of(layer), sent::add);
    upload.finish(descriptor);
    take(registry);
    RecordedRequest patch = take(registry);
    assertEquals("PATCH a chunked", patch.getMethod() + " " + patch.getUrl().queryParameter("_state") + " "
        + patch.getHeaders().get("Transfer-Encoding"));
    assertEquals(null, patch.getHeaders().get("Content-Range"), "a stream, not a chunk of known place");
    assertArrayEquals(layer, patch.getBody().toByteArray());
    assertEquals(List.of(300L), sent);
    RecordedRequest put = take(registry);
    assertEquals("PUT b " + descriptor.digest(), put.getMethod() + " " + put.getUrl().queryParameter("_state") + " "
        + put.getUrl().queryParameter("digest"));
    assertEquals(0, put.getBody().size());
  }

  @Test
  void aStreamedBlobTheRegistryRefusesIsReportedNotResumed() {
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u1?_state=a"));
    registry.enqueue(status(400));
    JimgException e = assertThrows(JimgException.class,
        () -> client().build().streamBlob("team/app", BlobSource.of(layer), done -> {}));
    assertEquals(JimgException.Reason.FAILED, e.reason());
    assertEquals(2, registry.getRequestCount(), "no resume, no second upload");
  }

  @Test
  void aRepositoryHasTagsOnlyWhereItsListNamesOne() throws Exception {
    registry.enqueue(status(404));
    registry.enqueue(new MockResponse.Builder().code(200).body("{\"name\":\"team/app\",\"tags\":null}").build());
    registry.enqueue(new MockResponse.Builder().code(200).body("{\"name\":\"team/app\",\"tags\":[]}").build());
    registry.enqueue(new MockResponse.Builder().code(200).body("{\"name\":\"team/app\",\"tags\":[\"v1\"]}")
        .build());
    registry.enqueue(new MockResponse.Builder().code(200).body("{\"tags\":[" + "\"v\",".repeat(20_000) + "\"v\"]}")
        .build());
    registry.enqueue(status(500));
    RegistryClient client = client().build();
    assertFalse(client.hasTags("team/app"), "unknown to the registry");
    assertFalse(client.hasTags("team/app"), "null");
    assertFalse(client.hasTags("team/app"), "empty");
    assertTrue(client.hasTags("team/app"));
    assertTrue(client.hasTags("team/app"), "a list longer than the one tag asked for");
    assertThrows(JimgException.class, () -> client.hasTags("team/app"));
    RecordedRequest tags = take(registry);
    assertEquals("GET /v2/team/app/tags/list?n=1", tags.getMethod() + " " + tags.getTarget());
  }

  @Test
  void hasBlobHeadsAndMountAsksWithFrom() throws Exception {
    registry.enqueue(status(200));
    registry.enqueue(status(404));
    registry.enqueue(status(201));
    registry.enqueue(status(202, "Location: /v2/team/app/blobs/uploads/u2"));
    RegistryClient client = client().build();
    assertTrue(client.hasBlob("team/app", descriptor.digest()));
    assertFalse(client.hasBlob("team/app", descriptor.digest()));
    assertTrue(client.mountBlob("team/app", descriptor.digest(), "team/base"));
    assertFalse(client.mountBlob("team/app", descriptor.digest(), "team/base"));
    assertEquals("HEAD", take(registry).getMethod());
    take(registry);
    RecordedRequest mount = take(registry);
    assertEquals("POST /v2/team/app/blobs/uploads/ " + descriptor.digest() + " team/base", mount.getMethod() + " "
        + mount.getUrl().encodedPath() + " " + mount.getUrl().queryParameter("mount") + " "
        + mount.getUrl().queryParameter("from"));
  }

  @Test
  void aManifestIsPutWithItsTypeAndTheRegistrysDigestChecked() throws Exception {
    registry.enqueue(status(201, "Docker-Content-Digest: " + image.manifestDigest()));
    registry.enqueue(status(201, "Docker-Content-Digest: " + Digest.of(new byte[0])));
    RegistryClient client = client().build();
    assertEquals(image.manifestDigest(),
        client.putManifest("team/app", "v1", MediaTypes.OCI_MANIFEST, image.manifestBytes()));
    RecordedRequest put = take(registry);
    assertEquals("PUT /v2/team/app/manifests/v1", put.getMethod() + " " + put.getTarget());
    assertEquals(MediaTypes.OCI_MANIFEST, put.getHeaders().get("Content-Type"));
    assertArrayEquals(image.manifestBytes(), put.getBody().toByteArray());
    JimgException e = assertThrows(JimgException.class,
        () -> client.putManifest("team/app", "v1", MediaTypes.OCI_MANIFEST, image.manifestBytes()));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
  }

  @Test
  void aPushAsksForAPullAndPushToken() throws Exception {
    registry.enqueue(status(401, "WWW-Authenticate: Bearer realm=\"" + registry.url("/token") + "\""));
    registry.enqueue(new MockResponse.Builder().code(200).body("{\"access_token\":\"p\"}").build());
    registry.enqueue(status(201));
    client().build().putManifest("team/app", "v1", MediaTypes.OCI_MANIFEST, image.manifestBytes());
    take(registry);
    assertEquals("repository:team/app:pull,push", take(registry).getUrl().queryParameter("scope"));
    RecordedRequest retried = take(registry);
    assertEquals("Bearer p", retried.getHeaders().get("Authorization"));
    assertArrayEquals(image.manifestBytes(), retried.getBody().toByteArray(), "the body is sent again");
  }
}
