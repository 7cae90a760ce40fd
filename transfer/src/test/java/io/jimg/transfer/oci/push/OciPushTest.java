package io.jimg.transfer.oci.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.Leftovers;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreListener;
import io.jimg.transfer.Importer;
import io.jimg.transfer.TestStores;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.oci.registry.MediaTypes;
import io.jimg.transfer.oci.registry.RegistryClient;
import io.jimg.transfer.testing.RegistryServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pushes to Debian's docker-registry and into image layouts, read back by the real peers: skopeo copies what jimg
 * pushed and umoci unpacks it to the same tree (owners, modes, xattrs, ACLs, hard links, devices, holes), the
 * settings come back as the config's Cmd and Env, and a second push of the unchanged image sends no blob.
 */
class OciPushTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path source;
  private static String expected;
  private static Path pool;
  private static ImageStore store;
  private static RegistryServer registry;

  @BeforeAll
  static void makeImage() throws Exception {
    source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    expected = TestTrees.describe(source);
    pool = Files.createDirectories(BTRFS.root().resolve("pool"));
    store = TestStores.on(pool).build();
    Importer.builder(store).build().importFs(source, "tree");
    registry = RegistryServer.start();
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  private static PushOptions plainHttp() {
    return PushOptions.defaults().withTls(false, null);
  }

  private static Pushed push(String name, String reference, PushOptions options) throws IOException {
    return OciPusher.builder(store).threads(2).build().push(name, ImageReference.parse(reference), options);
  }

  /** skopeo's copy of a pushed image into a layout, unpacked by umoci: the tree the registry hands out. */
  private static Path pulledByPeers(String reference, String... skopeoOptions) throws IOException {
    Path work = Files.createDirectories(BTRFS.root().resolve("peers-" + COUNTER.incrementAndGet()));
    List<String> copy = new java.util.ArrayList<>(List.of("skopeo", "copy", "--quiet"));
    copy.addAll(List.of(skopeoOptions));
    copy.addAll(List.of(reference, "oci:" + work.resolve("layout") + ":x"));
    Commands.run(copy);
    Commands.run("umoci", "raw", "unpack", "--image", work.resolve("layout") + ":x", work.resolve("rootfs").toString());
    return work.resolve("rootfs");
  }

  private static JsonNode inspectConfig(String reference, String... options) throws IOException {
    List<String> inspect = new java.util.ArrayList<>(List.of("skopeo", "inspect", "--config"));
    inspect.addAll(List.of(options));
    inspect.add(reference);
    return JSON.readTree(Commands.run(inspect));
  }

  private static long uploads() throws Exception {
    return registry.requests().stream().filter(r -> r.contains("/blobs/uploads/")).count();
  }

  @Test
  void skopeoAndUmociGetBackTheSameTree() throws Exception {
    Importer.builder(store).build().importFs(source, "peers"); // an image no other test pushed: nothing to mount
    String reference = "docker://" + registry.host() + "/tree:v1";
    Pushed pushed = push("peers", reference, plainHttp());
    assertEquals(reference, pushed.reference());
    assertEquals(2, pushed.uploaded());
    TestTrees.assertSameTree(expected, TestTrees.describe(pulledByPeers(reference, "--src-tls-verify=false")));
    String manifest = Commands.run("skopeo", "inspect", "--raw", "--tls-verify=false", reference);
    assertEquals(pushed.digest().toString(), "sha256:" + sha256(manifest.getBytes(StandardCharsets.UTF_8)));
    JsonNode parsed = JSON.readTree(manifest);
    assertEquals(MediaTypes.OCI_MANIFEST, parsed.path("mediaType").asText());
    assertEquals(MediaTypes.OCI_LAYER_GZIP, parsed.path("layers").path(0).path("mediaType").asText());
  }

  /** A push that records the operations its progress names. */
  private static Pushed push(String name, String reference, Set<String> operations) throws IOException {
    StoreListener recorder = new StoreListener() {
      @Override
      public void progress(Progress progress) {
        operations.add(progress.operation());
      }
    };
    return OciPusher.builder(store).threads(2).listener(recorder).build().push(name, ImageReference.parse(reference),
        plainHttp());
  }

  @Test
  void aSecondPushOfTheUnchangedImageReadsNoTreeAndWithoutItsRecordOnlyHashesIt() throws Exception {
    Importer.builder(store).build().importFs(source, "again");
    String reference = "docker://" + registry.host() + "/again:v1";
    Pushed first = push("again", reference, plainHttp());
    long uploadsBefore = uploads();
    Set<String> operations = ConcurrentHashMap.newKeySet();
    Pushed second = push("again", reference, operations);
    assertEquals(uploadsBefore, uploads(), "no upload began");
    assertEquals(0, second.uploaded());
    assertEquals(2, second.skipped());
    assertEquals(first.digest(), second.digest(), "the same image gives the same manifest");
    assertEquals(Set.of(), operations, "the record knew the layer: the tree was not read");

    removeRecords();
    operations.clear();
    Pushed third = push("again", reference, operations);
    assertEquals(first.digest(), third.digest());
    assertEquals(uploadsBefore, uploads(), "no upload began");
    assertTrue(operations.contains(ExportedLayer.DIFF_ID), operations::toString);
    assertFalse(operations.contains("export-tar"), "the tree was hashed, not exported again: " + operations);
  }

  @Test
  void anImagePushedToOneRepositoryIsMountedIntoTheNextWithNoOption() throws Exception {
    Importer.builder(store).build().importFs(source, "fleet");
    push("fleet", "docker://" + registry.host() + "/fleet-a:v1", plainHttp());
    Pushed mounted = push("fleet", "docker://" + registry.host() + "/fleet-b:v1", plainHttp());
    assertEquals(0, mounted.uploaded());
    List<String> requests = registry.requests();
    assertEquals(2, requests.stream().filter(r -> r.matches("POST /v2/fleet-b/blobs/uploads/\\?.*from=fleet-a 201"))
        .count(), "the layer and the config mounted from where they went before");
  }

  @Test
  void aChangedImageGetsNoHelpFromItsOldRecord() throws Exception {
    Importer.builder(store).build().importFs(source, "edited");
    String reference = "docker://" + registry.host() + "/edited:v1";
    Pushed first = push("edited", reference, plainHttp());
    Files.writeString(pool.resolve("edited/added-after-the-push"), "a change the next sync commits\n");
    Set<String> operations = ConcurrentHashMap.newKeySet();
    Pushed second = push("edited", reference, operations);
    assertTrue(operations.contains("export-tar"), "exported again: " + operations);
    assertFalse(first.layers().equals(second.layers()), "a new layer");
    TestTrees.assertSameTree(TestTrees.describe(pool.resolve("edited")),
        TestTrees.describe(pulledByPeers(reference, "--src-tls-verify=false")));
  }

  private static void removeRecords() throws IOException {
    try (java.util.stream.Stream<Path> entries = Files.list(pool)) {
      for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(PushRecords.PREFIX)).toList()) {
        Files.delete(entry);
      }
    }
  }

  @Test
  void newSettingsAtTheSameTagSendOnlyANewConfig() throws Exception {
    Importer.builder(store).build().importFs(source, "changing");
    String reference = "docker://" + registry.host() + "/changing:v1";
    Pushed first = push("changing", reference, plainHttp());
    store.writeSettings("changing", "[Exec]\nParameters=/bin/true\n".getBytes(StandardCharsets.UTF_8));
    Set<String> operations = ConcurrentHashMap.newKeySet();
    Pushed second = push("changing", reference, operations);
    assertFalse(operations.contains(ExportedLayer.DIFF_ID) || operations.contains("export-tar"),
        "the tree is unchanged, its record says what its layer is: " + operations);
    assertEquals(1, second.uploaded(), "the config; the layer is the same");
    assertFalse(first.digest().equals(second.digest()), "a new manifest");
    assertEquals(List.of("/bin/true"), strings(inspectConfig(reference, "--tls-verify=false").path("config")
        .path("Cmd")));
  }

  @Test
  void theSettingsComeBackAsTheConfigsCommandAndEnvironment() throws Exception {
    Importer.builder(store).build().importFs(source, "app");
    store.writeSettings("app", """
        [Exec]
        Boot=no
        Parameters=/bin/cat "/etc/a file"
        Parameters='it''s'
        Environment=FOO=bar "GREETING=hello world"
        Environment=LANG=C.UTF-8
        User=daemon
        WorkingDirectory=/srv
        """.getBytes(StandardCharsets.UTF_8));
    String reference = "docker://" + registry.host() + "/app:v1";
    push("app", reference, plainHttp());
    JsonNode config = inspectConfig(reference, "--tls-verify=false");
    assertEquals(List.of("/bin/cat", "/etc/a file", "its"), strings(config.path("config").path("Cmd")));
    assertTrue(config.path("config").path("Entrypoint").isMissingNode(), config::toString);
    assertEquals(List.of("FOO=bar", "GREETING=hello world", "LANG=C.UTF-8"),
        strings(config.path("config").path("Env")));
    assertEquals("daemon", config.path("config").path("User").asText());
    assertEquals("/srv", config.path("config").path("WorkingDir").asText());
    assertEquals("linux", config.path("os").asText());
    assertEquals(1, config.path("rootfs").path("diff_ids").size());
  }

  @Test
  void aBootingImageGetsNoCommand() throws Exception {
    Importer.builder(store).build().importFs(source, "booting");
    store.writeSettings("booting", "[Exec]\nBoot=yes\nParameters=--log-level=debug\n".getBytes(StandardCharsets.UTF_8));
    String reference = "docker://" + registry.host() + "/booting:v1";
    push("booting", reference, plainHttp());
    assertTrue(inspectConfig(reference, "--tls-verify=false").path("config").path("Cmd").isMissingNode());
  }

  @Test
  void aZstdLayerIsNamedSoAndReadBySkopeo() throws Exception {
    String reference = "docker://" + registry.host() + "/zstd:v1";
    Pushed pushed = push("tree", reference, plainHttp().withFormat(Compression.ZSTD));
    JsonNode manifest = JSON.readTree(Commands.run("skopeo", "inspect", "--raw", "--tls-verify=false", reference));
    assertEquals(MediaTypes.OCI_LAYER_ZSTD, manifest.path("layers").path(0).path("mediaType").asText());
    assertEquals(pushed.layers().get(0).toString(), manifest.path("layers").path(0).path("digest").asText());
    Path layout = BTRFS.root().resolve("zstd-copy");
    Commands.run("skopeo", "copy", "--quiet", "--src-tls-verify=false", reference, "oci:" + layout + ":x");
    Path blob = layout.resolve("blobs/sha256/" + pushed.layers().get(0).hex());
    Path tree = Files.createDirectories(BTRFS.root().resolve("zstd-tree"));
    TestTrees.bash("zstd -dc " + blob + " | tar --numeric-owner --xattrs --xattrs-include='*' --acls -xpf - -C " + tree);
    TestTrees.assertSameTree(expected, TestTrees.describe(tree));
  }

  @Test
  void aLayoutIsReadByUmociAndSkopeo() throws Exception {
    Path layout = BTRFS.root().resolve("layout");
    Pushed pushed = push("tree", "oci:" + layout + ":v1", PushOptions.defaults());
    assertEquals(2, pushed.uploaded());
    Path rootfs = BTRFS.root().resolve("layout-rootfs");
    Commands.run("umoci", "raw", "unpack", "--image", layout + ":v1", rootfs.toString());
    TestTrees.assertSameTree(expected, TestTrees.describe(rootfs));
    JsonNode inspected = JSON.readTree(Commands.run("skopeo", "inspect", "oci:" + layout + ":v1"));
    assertEquals(pushed.digest().toString(), inspected.path("Digest").asText());
    assertEquals(0, push("tree", "oci:" + layout + ":v1", PushOptions.defaults()).uploaded(), "the blobs are there");
  }

  @Test
  void aBlobAnotherRepositoryHasIsMountedNotUploaded() throws Exception {
    push("tree", "docker://" + registry.host() + "/origin:v1", plainHttp());
    long uploadsBefore = registry.requests().stream().filter(r -> r.startsWith("PUT ")).count();
    Pushed mounted = push("tree", "docker://" + registry.host() + "/mounted:v1", plainHttp().withMountFrom("origin"));
    List<String> requests = registry.requests();
    assertEquals(0, mounted.uploaded());
    assertEquals(2, requests.stream().filter(r -> r.matches("POST /v2/mounted/blobs/uploads/\\?.*mount=.* 201")).count(),
        requests::toString);
    assertEquals(uploadsBefore + 1, requests.stream().filter(r -> r.startsWith("PUT ")).count(),
        "only the manifest was put");
  }

  @Test
  void aDebianRootGoesToANewRepositoryWhileItIsExportedAndComesBackTheSame() throws Exception {
    Importer.builder(store).build().importFs(DebianRoot.minbase(), "debian");
    String reference = "docker://" + registry.host() + "/debian:minbase";
    List<Progress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    StoreListener recorder = new StoreListener() {
      @Override
      public void progress(Progress value) {
        progress.add(value);
      }
    };
    Pushed pushed = OciPusher.builder(store).threads(2).listener(recorder).build()
        .push("debian", ImageReference.parse(reference), plainHttp());
    assertEquals(2, pushed.uploaded());
    List<String> requests = registry.requests();
    assertTrue(requests.contains("GET /v2/debian/tags/list?n=1 404"));
    assertEquals(1, requests.stream().filter(r -> r.matches("PATCH /v2/debian/blobs/uploads/\\S+ 202")).count(),
        "the layer in one streamed PATCH");
    assertFalse(requests.stream().anyMatch(r -> r.startsWith("HEAD /v2/debian/blobs/" + pushed.layers().get(0))),
        "a new repository is not asked for the layer");
    int firstUpload = indexOf(progress, p -> p.operation().equals(FollowingUpload.OPERATION));
    int lastExport = lastIndexOf(progress, p -> p.operation().equals("export-tar"));
    assertTrue(firstUpload >= 0 && firstUpload < lastExport, "the upload began before the export ended");
    assertEquals(-1, progress.get(firstUpload).bytesTotal());
    TestTrees.assertSameTree(TestTrees.describe(DebianRoot.minbase()),
        TestTrees.describe(pulledByPeers(reference, "--src-tls-verify=false")));

    // The same image into a repository that has a tag: asked for with a HEAD first, then sent in PATCH chunks. Its
    // record goes first: it would have the layer mounted from the repository it went to above.
    removeRecords();
    push("tree", "docker://" + registry.host() + "/chunked:tree", plainHttp());
    Pushed chunked = push("debian", "docker://" + registry.host() + "/chunked:minbase", plainHttp());
    assertEquals(pushed.layers(), chunked.layers(), "the same layer, streamed or not");
    long layerSize = JSON.readTree(Commands.run("skopeo", "inspect", "--raw", "--tls-verify=false", reference))
        .path("layers").path(0).path("size").asLong();
    assertTrue(layerSize > RegistryClient.CHUNK_THRESHOLD, layerSize + " bytes: a layer large enough for chunks");
    long chunks = (layerSize + RegistryClient.CHUNK_SIZE - 1) / RegistryClient.CHUNK_SIZE;
    requests = registry.requests();
    List<String> second = requests.subList(requests.indexOf("GET /v2/chunked/manifests/minbase 404"), requests.size());
    assertEquals(chunks, second.stream().filter(r -> r.matches("PATCH /v2/chunked/blobs/uploads/\\S+ 202")).count());
    assertTrue(second.contains("GET /v2/chunked/tags/list?n=1 200"));
    assertTrue(second.contains("HEAD /v2/chunked/blobs/" + chunked.layers().get(0) + " 404"));
  }

  private static int indexOf(List<Progress> progress, java.util.function.Predicate<Progress> which) {
    for (int i = 0; i < progress.size(); i++) {
      if (which.test(progress.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<Progress> progress, java.util.function.Predicate<Progress> which) {
    for (int i = progress.size() - 1; i >= 0; i--) {
      if (which.test(progress.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A registry (MockWebServer) that takes blobs only with a known Content-Range, as some do: the layer streamed while
   * it was exported is refused, and the push asks for it and puts it the usual way.
   */
  @Test
  void aRegistryThatRefusesTheStreamGetsTheLayerAskedForAndPut() throws Exception {
    Map<String, byte[]> stored = new ConcurrentHashMap<>();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger sessions = new AtomicInteger();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          String call = request.getMethod() + " " + request.getUrl().encodedPath();
          seen.add(call);
          String uploads = "/v2/fallback/blobs/uploads/";
          if (call.equals("POST " + uploads)) {
            return new MockResponse.Builder().code(202)
                .addHeader("Location", uploads + "u" + sessions.incrementAndGet()).build();
          }
          if (call.startsWith("PATCH " + uploads)) {
            return new MockResponse.Builder().code(400).body("{\"errors\":[{\"code\":\"BLOB_UPLOAD_INVALID\"}]}")
                .build();
          }
          if (call.startsWith("PUT " + uploads)) {
            byte[] body = request.getBody().toByteArray();
            String digest = request.getUrl().queryParameter("digest");
            try {
              if (!digest.equals("sha256:" + sha256(body))) {
                return new MockResponse.Builder().code(400).build();
              }
            } catch (Exception e) {
              throw new AssertionError(e);
            }
            stored.put(digest, body);
            return new MockResponse.Builder().code(201).build();
          }
          if (call.startsWith("HEAD /v2/fallback/blobs/")) {
            return new MockResponse.Builder().code(stored.containsKey(call.substring(call.lastIndexOf('/') + 1))
                ? 200 : 404).build();
          }
          return new MockResponse.Builder().code(call.startsWith("PUT /v2/fallback/manifests/") ? 201 : 404).build();
        }
      });
      server.start();
      Pushed pushed = push("tree", "docker://127.0.0.1:" + server.getPort() + "/fallback:v1", plainHttp());
      String layer = pushed.layers().get(0).toString();
      assertEquals(2, pushed.uploaded());
      assertTrue(stored.containsKey(layer), stored.keySet()::toString);
      int streamed = seen.indexOf("PATCH " + "/v2/fallback/blobs/uploads/u1");
      int asked = seen.lastIndexOf("HEAD /v2/fallback/blobs/" + layer);
      assertTrue(streamed >= 0 && asked > streamed, "streamed, refused, then asked for: " + seen);
      assertTrue(seen.indexOf("PUT /v2/fallback/manifests/v1") > seen.lastIndexOf("PUT /v2/fallback/blobs/uploads/u3"),
          "the manifest after the blobs: " + seen);
    }
  }

  @Test
  void tlsAndBasicAuthWithTheCaFileAndCredentials() throws Exception {
    try (RegistryServer secure = RegistryServer.start(true, true)) {
      String reference = "docker://" + secure.host() + "/secure:v1";
      PushOptions tls = PushOptions.defaults().withTls(true, secure.caFile());
      Pushed pushed = push("tree", reference,
          tls.withCredentials(new Credentials(RegistryServer.USER, RegistryServer.PASSWORD), null));
      assertEquals(2, pushed.uploaded());
      JimgException refused = assertThrows(JimgException.class, () -> push("tree",
          "docker://" + secure.host() + "/secure:v2", tls.withCredentials(new Credentials("jimg", "wrong"), null)));
      assertEquals(JimgException.Reason.FAILED, refused.reason());
      assertTrue(refused.getMessage().contains("access denied"), refused.getMessage());
      assertFalse(refused.getMessage().contains("wrong"), "no password in the message");
    }
  }

  @Test
  void aCancelDuringTheUploadLeavesNothingAndAPushAgainSucceeds() throws Exception {
    Importer.builder(store).build().importFs(source, "cancelled");
    Leftovers before = Leftovers.of(pool);
    Cancellation cancellation = Cancellation.of("push");
    StoreListener cancelOnUpload = new StoreListener() {
      @Override
      public void progress(Progress progress) {
        if (progress.operation().startsWith("upload ")) {
          cancellation.cancel();
        }
      }
    };
    String reference = "docker://" + registry.host() + "/cancelled:v1";
    JimgException e = assertThrows(JimgException.class, () -> OciPusher.builder(store).listener(cancelOnUpload)
        .cancellation(cancellation).build().push("cancelled", ImageReference.parse(reference), plainHttp()));
    assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
    before.assertNone();
    assertFalse(registry.requests().stream().anyMatch(r -> r.startsWith("PUT /v2/cancelled/manifests/")),
        "no manifest names what was not all sent");
    assertEquals(2, push("cancelled", reference, plainHttp()).uploaded());
  }

  @Test
  void aRawImageIsRefusedClearly() throws Exception {
    Path disk = BTRFS.root().resolve("disk.raw");
    TestTrees.bash("truncate -s 1M " + disk);
    Importer.builder(store).build().importRaw(disk, "disk");
    JimgException e = assertThrows(JimgException.class,
        () -> push("disk", "docker://" + registry.host() + "/disk:v1", plainHttp()));
    assertEquals(JimgException.Reason.USAGE, e.reason());
    assertTrue(e.getMessage().contains("push takes a directory or subvolume image"), e.getMessage());
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new java.util.ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
