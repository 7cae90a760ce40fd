package io.jimg.transfer.oci.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.MediaTypes;
import io.jimg.transfer.tar.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A registry played by MockWebServer that serves a two-layer image wrongly: a layer whose bytes are not its
 * digest's, a config whose diff id does not match the layer, an image for another platform. Each pull fails
 * (VERIFICATION where something does not match: exit 5) and leaves the pool as it found it, the first layer,
 * made before the second failed, included.
 */
class HostileRegistryPullTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  /** A layer of the image: a tar with one file, gzip-compressed. */
  private record Layer(byte[] tar, byte[] blob) {
    static Layer of(String file, String content) {
      byte[] tar = new TarBuilder().file(file, content).end().bytes();
      ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
      try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
        gzip.write(tar);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Layer(tar, gzipped.toByteArray());
    }
  }

  private static final Layer FIRST = Layer.of("first", "one\n");
  private static final Layer SECOND = Layer.of("second", "two\n");

  /** Serves the image whose config and blobs it is given; {@code served} replaces a blob's bytes where it says. */
  private static MockWebServer registry(String config, Map<String, byte[]> served) throws IOException {
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    ImageManifest manifest = new ImageManifest(MediaTypes.OCI_MANIFEST,
        Descriptor.of(MediaTypes.OCI_CONFIG, configBytes),
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, FIRST.blob), Descriptor.of(MediaTypes.OCI_LAYER_GZIP,
            SECOND.blob)));
    Map<String, byte[]> blobs = new HashMap<>();
    blobs.put(Digest.of(configBytes).toString(), configBytes);
    blobs.put(Digest.of(FIRST.blob).toString(), FIRST.blob);
    blobs.put(Digest.of(SECOND.blob).toString(), SECOND.blob);
    blobs.putAll(served);
    byte[] manifestBytes = manifest.toJson();
    MockWebServer server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/v2/app/manifests/v1")) {
          return ok(manifestBytes, MediaTypes.OCI_MANIFEST);
        }
        String prefix = "/v2/app/blobs/";
        byte[] blob = path.startsWith(prefix) ? blobs.get(path.substring(prefix.length())) : null;
        return blob != null ? ok(blob, "application/octet-stream") : new MockResponse.Builder().code(404).build();
      }
    });
    server.start();
    return server;
  }

  private static MockResponse ok(byte[] body, String type) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", type).body(new Buffer().write(body))
        .build();
  }

  private static String config(String os, Digest... diffIds) {
    StringBuilder ids = new StringBuilder();
    for (Digest id : diffIds) {
      ids.append(ids.length() == 0 ? "" : ",").append('"').append(id).append('"');
    }
    return "{\"architecture\":\"" + io.jimg.transfer.oci.registry.Platform.host().architecture() + "\",\"os\":\""
        + os + "\",\"config\":{\"Cmd\":[\"/first\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}";
  }

  private static JimgException pullFails(MockWebServer server, Path pool) {
    ImageStore store = OciPullerTest.store(pool);
    String host = server.url("/").host() + ":" + server.url("/").port();
    return assertThrows(JimgException.class, () -> OciPullerTest.puller(store, pool, StoreListener.NONE).pull(
        ImageReference.parse("docker://" + host + "/app:v1"), null, OciPullerTest.PLAIN_HTTP, Cancellation.NEVER));
  }

  @Test
  void aLayerThatIsNotItsDigestFailsTheWholePullAndLeavesNothing() throws Exception {
    byte[] tampered = SECOND.blob.clone();
    tampered[tampered.length / 2] ^= 1;
    String config = config("linux", Digest.of(FIRST.tar), Digest.of(SECOND.tar));
    try (MockWebServer server = registry(config, Map.of(Digest.of(SECOND.blob).toString(), tampered))) {
      Path pool = BTRFS.newDirectory("tampered");
      JimgException e = pullFails(server, pool);
      assertEquals(JimgException.Reason.VERIFICATION, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
      assertEquals(List.of(), PoolEntries.of(pool));
    }
  }

  @Test
  void aLayerThatIsNotTheConfigsDiffIdFailsAndLeavesNothing() throws Exception {
    String config = config("linux", Digest.of(FIRST.tar), Digest.of(FIRST.tar));
    try (MockWebServer server = registry(config, Map.of())) {
      Path pool = BTRFS.newDirectory("diffid");
      JimgException e = pullFails(server, pool);
      assertEquals(JimgException.Reason.VERIFICATION, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("as the image's config says"), e.getMessage());
      assertEquals(List.of(), PoolEntries.of(pool));
    }
  }

  @Test
  void anImageForAnotherPlatformOrWithoutItsDiffIdsIsRefusedBeforeAnyLayer() throws Exception {
    try (MockWebServer server = registry(config("windows", Digest.of(FIRST.tar), Digest.of(SECOND.tar)), Map.of())) {
      Path pool = BTRFS.newDirectory("platform");
      JimgException e = pullFails(server, pool);
      assertTrue(e.getMessage().contains("is an image for windows/"), e.getMessage());
      assertEquals(List.of(), PoolEntries.of(pool));
    }
    try (MockWebServer server = registry(config("linux", Digest.of(FIRST.tar)), Map.of())) {
      Path pool = BTRFS.newDirectory("count");
      JimgException e = pullFails(server, pool);
      assertTrue(e.getMessage().contains("lists 1 diff ids for 2 layers"), e.getMessage());
      assertEquals(List.of(), PoolEntries.of(pool));
    }
  }
}
