package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.verify.Gnupg;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PullerTest {
  static Gnupg gpg;
  static String publisher;
  static String stranger;
  @TempDir static Path shared;
  static Path keyring;

  @TempDir Path temp;
  MockWebServer server;
  FakeMirror mirror;
  FakePullStore store;
  final List<StoreEvent> events = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void keys() throws IOException {
    Requirements.requireTool("gpg");
    Requirements.requireTool("tar");
    Requirements.requireTool("zstd");
    gpg = new Gnupg();
    publisher = gpg.generateKey("Publisher <publisher@example.org>", null, "never");
    stranger = gpg.generateKey("Stranger <stranger@example.org>", null, "never");
    keyring = gpg.keyring(shared, "trusted.gpg", false, publisher);
  }

  @AfterAll
  static void dropKeys() throws IOException {
    if (gpg != null) {
      gpg.close();
    }
  }

  @BeforeEach
  void start() throws IOException {
    mirror = new FakeMirror();
    server = mirror.serve();
    Files.createDirectories(temp.resolve("pool"));
    store = new FakePullStore(temp.resolve("pool"));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private Puller puller() throws JimgException {
    Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())
        .withRetries(2, Duration.ofMillis(10), d -> { }));
    return new Puller(store, fetcher, temp.resolve("no-system-keys"), temp.resolve("locks"), Clock.systemUTC(),
        new StoreListener() {
          @Override
          public void event(StoreEvent event) {
            events.add(event);
          }
        });
  }

  private static PullOptions signed() {
    return PullOptions.builder().keyrings(List.of(keyring)).build();
  }

  private void publish(Map<String, byte[]> files) {
    files.forEach((name, bytes) -> mirror.put("/images/" + name, bytes));
  }

  private URI url(String fileName) {
    return server.url("/images/" + fileName).uri();
  }

  private JimgException refused(String fileName, PullOptions options, JimgException.Reason reason) {
    JimgException e = assertThrows(JimgException.class, () -> puller().pull(url(fileName), "victim", options));
    assertEquals(reason, e.reason(), e.getMessage());
    assertFalse(e.getMessage().startsWith("jimg:"), "the command line adds the prefix");
    assertFalse(store.exists("victim"), "nothing may appear under NAME");
    assertEquals(List.of(), temporaries());
    return e;
  }

  private List<String> temporaries() {
    try (Stream<Path> entries = Files.list(store.pool)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".#")).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String marker(String name) throws IOException {
    return Files.readString(store.image(name).resolve(TestImages.MARKER));
  }

  @ParameterizedTest
  @ValueSource(strings = {"image.tar", "image.tar.gz", "image.tar.xz", "image.tar.bz2", "image.tar.zst"})
  void pullsASignedTarballInEachCompression(String fileName) throws IOException {
    publish(TestImages.signedRelease(gpg, publisher, Map.of(fileName, TestImages.tarball(temp, fileName, fileName))));
    Puller.Pulled pulled = puller().pull(url(fileName), null, signed());
    assertEquals("image", pulled.name());
    assertFalse(pulled.fromCache());
    assertTrue(publisher.endsWith(pulled.signers().get(0).primaryKeyId()));
    assertEquals(fileName, marker("image"));
    assertEquals(List.of(), temporaries());
    assertTrue(store.exists(CacheNames.entry(ImageFormat.TAR, url(fileName).toString(),
        FakeMirror.etag(mirror.files.get("/images/" + fileName)))), "the download stays as a cache entry");
  }

  @Test
  void aTbz2TarballIsNamedWithoutItsSuffixAsImportNamesIt() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tbz2", "bzip2");
    publish(Map.of("image.tbz2", image));
    Puller.Pulled pulled = puller().pull(url("image.tbz2"), null,
        PullOptions.builder().format(ImageFormat.TAR).verify(TestImages.sha256(image)).build());
    assertEquals("image", pulled.name());
    assertEquals("bzip2", marker("image"));
  }

  @Test
  void pullsASignedRawImage() throws IOException {
    byte[] disk = "a raw disk image\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    publish(TestImages.signedRelease(gpg, publisher, Map.of("disk.raw", disk)));
    puller().pull(url("disk.raw"), "disk", signed());
    assertTrue(java.util.Arrays.equals(disk, Files.readAllBytes(store.pool.resolve("disk.raw"))));
  }

  @Test
  void refusesAnImageWithBytesAppendedAfterSigning() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar.gz", "good");
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar.gz", image)));
    byte[] appended = java.util.Arrays.copyOf(image, image.length + 512);
    mirror.put("/images/image.tar.gz", appended);
    String message = refused("image.tar.gz", signed(), JimgException.Reason.VERIFICATION).getMessage();
    assertTrue(message.contains("checksum mismatch for image.tar.gz"), message);
  }

  @Test
  void refusesAChecksumFileChangedAfterSigningBeforeFetchingTheImage() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "good");
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar", image)));
    mirror.put("/images/SHA256SUMS", TestImages.sums(Map.of("image.tar", "evil".getBytes())));
    assertTrue(refused("image.tar", signed(), JimgException.Reason.VERIFICATION).getMessage().contains("BAD signature"));
    assertEquals(0, mirror.bodies("/images/image.tar"));
  }

  @Test
  void refusesASignatureByAnUnknownKey() throws IOException {
    publish(TestImages.signedRelease(gpg, stranger, Map.of("image.tar", TestImages.tarball(temp, "image.tar", "x"))));
    assertTrue(refused("image.tar", signed(), JimgException.Reason.VERIFICATION).getMessage().contains("unknown key"));
  }

  @Test
  void refusesAMissingSignatureButPullsWithVerifyChecksumAndWarns() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    publish(Map.of("image.tar", image, "SHA256SUMS", TestImages.sums(Map.of("image.tar", image))));
    assertTrue(refused("image.tar", signed(), JimgException.Reason.VERIFICATION).getMessage().contains("no signature"));
    puller().pull(url("image.tar"), "victim", signed().toBuilder().verify("checksum").build());
    assertTrue(events.stream().anyMatch(e -> e.kind() == StoreEvent.Kind.WARNING && e.message().contains("not who made it")));
  }

  /** A signed per-file checksum with {@code line} for its digest line, as a mirror would serve it beside the image. */
  private void publishPerFile(String fileName, byte[] image, String line) throws IOException {
    byte[] checksum = (line + "\n").getBytes(StandardCharsets.UTF_8);
    publish(Map.of(fileName, image, fileName + ".sha256", checksum,
        fileName + ".sha256.gpg", gpg.detachSign(publisher, checksum, null, false)));
  }

  @Test
  void aPerFileChecksumOfAnotherFileIsRefusedBeforeTheDownload() throws IOException {
    // The digest is even right: only the name the signed line gives is another file's.
    byte[] image = TestImages.tarball(temp, "image.tar.xz", "x");
    publishPerFile("image.tar.xz", image, TestImages.sha256(image) + " *other.tar.xz");
    String message = refused("image.tar.xz", signed(), JimgException.Reason.VERIFICATION).getMessage();
    assertEquals(url("image.tar.xz") + ".sha256 gives the SHA-256 of other.tar.xz, not of image.tar.xz: a per-file "
        + "checksum speaks only for the file it names", message);
    assertEquals(0, mirror.bodies("/images/image.tar.xz"));
  }

  @Test
  void aBarePerFileChecksumIsTakenWithAWarningThatItNamesNoFile() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar.xz", "bare");
    publishPerFile("image.tar.xz", image, TestImages.sha256(image));
    puller().pull(url("image.tar.xz"), "bare", signed());
    assertEquals("bare", marker("bare"));
    assertTrue(events.stream().anyMatch(e -> e.kind() == StoreEvent.Kind.WARNING && e.message().startsWith(
        url("image.tar.xz") + ".sha256 gives a bare digest that names no file: it is taken as image.tar.xz's")),
        events.toString());

    events.clear();
    publishPerFile("image.tar.xz", image, TestImages.sha256(image) + "  image.tar.xz");
    puller().pull(url("image.tar.xz"), "named", signed());
    assertEquals(List.of(), events.stream().filter(e -> e.kind() == StoreEvent.Kind.WARNING).toList());
  }

  @Test
  void refusesAnInlineSignedChecksumFile() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    byte[] sums = TestImages.sums(Map.of("image.tar", image));
    publish(Map.of("image.tar", image, "SHA256SUMS", sums, "SHA256SUMS.gpg", gpg.inlineSign(publisher, sums)));
    assertTrue(refused("image.tar", signed(), JimgException.Reason.VERIFICATION).getMessage()
        .contains("not a detached signature"));
  }

  @Test
  void refusesAnOversizedChecksumFile() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    byte[] sums = new byte[2 << 20];
    java.util.Arrays.fill(sums, (byte) '\n');
    publish(Map.of("image.tar", image, "SHA256SUMS", sums));
    assertTrue(refused("image.tar", signed(), JimgException.Reason.VERIFICATION).getMessage().contains("larger than 1 MiB"));
  }

  @Test
  void checksAGivenDigest() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    publish(Map.of("image.tar", image));
    refused("image.tar", PullOptions.builder().verify("0".repeat(64)).build(), JimgException.Reason.VERIFICATION);
    puller().pull(url("image.tar"), "victim", PullOptions.builder().verify(TestImages.sha256(image)).build());
    assertEquals("x", marker("victim"));
  }

  @Test
  void reports404() throws IOException {
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar", TestImages.tarball(temp, "image.tar", "x"))));
    mirror.files.remove("/images/image.tar");
    String message = refused("image.tar", signed(), JimgException.Reason.FAILED).getMessage();
    assertEquals(url("image.tar") + ": HTTP 404 Client Error", message);
  }

  @Test
  void reusesTheCacheOn304AfterCheckingTheFreshChecksumFile() throws IOException {
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar.xz", TestImages.tarball(temp, "image.tar.xz", "v1"))));
    puller().pull(url("image.tar.xz"), "first", signed());
    Puller.Pulled again = puller().pull(url("image.tar.xz"), "second", signed());
    assertTrue(again.fromCache());
    assertEquals(1, mirror.bodies("/images/image.tar.xz"));
    assertEquals(1, store.unpacks.get());
    assertEquals("v1", marker("second"));
    assertEquals(List.of(), temporaries());
  }

  @Test
  void downloadsAgainWhenTheChecksumFileNoLongerVouchesForTheCache() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "v1");
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar", image)));
    puller().pull(url("image.tar"), "first", signed());
    // A fresh, validly signed SHA256SUMS now names other bytes for the same file, while the server still says 304.
    byte[] sums = TestImages.sums(Map.of("image.tar", "other".getBytes()));
    mirror.put("/images/SHA256SUMS", sums);
    mirror.put("/images/SHA256SUMS.gpg", gpg.detachSign(publisher, sums, null, false));
    refused("image.tar", signed(), JimgException.Reason.VERIFICATION);
    assertEquals(2, mirror.bodies("/images/image.tar"));
  }

  @Test
  void aNonAsciiEtagBreaksNoLaterPullOfTheUrl() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (!request.getUrl().encodedPath().equals("/images/image.tar")) {
          return new MockResponse.Builder().code(404).build();
        }
        return new MockResponse.Builder().code(200).addHeaderLenient("ETag", "\"caf\u00e9\"")
            .body(new okio.Buffer().write(image)).build();
      }
    });
    PullOptions options = PullOptions.builder().verify(TestImages.sha256(image)).build();
    puller().pull(url("image.tar"), "first", options);
    puller().pull(url("image.tar"), "second", options);
    assertEquals("x", marker("first"));
    assertEquals("x", marker("second"));
    assertEquals(List.of(), temporaries());
  }

  @Test
  void installsVerifiedSettingsBesideTheImageOnly() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    byte[] settings = "[Exec]\nBoot=yes\n".getBytes(StandardCharsets.UTF_8);
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar", image, "image.nspawn", settings)));
    puller().pull(url("image.tar"), "web", signed());
    assertEquals("[Exec]\nBoot=yes\n", Files.readString(store.pool.resolve("web.nspawn")));

    mirror.put("/images/image.nspawn", "[Exec]\nPrivateUsers=no\n".getBytes(StandardCharsets.UTF_8));
    refused("image.tar", signed(), JimgException.Reason.VERIFICATION);
  }

  @Test
  void aDerivedNameTheStoreRefusesIsRefusedWithTheStoresReasonBeforeAnyFetch() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    publish(Map.of("...tar", image));
    JimgException e = assertThrows(JimgException.class,
        () -> puller().pull(url("...tar"), null, PullOptions.builder().verify(TestImages.sha256(image)).build()));
    assertEquals(JimgException.Reason.USAGE, e.reason());
    assertEquals("invalid image name '..': '.' and '..' are not image names", e.getMessage());
    assertEquals(0, mirror.bodies("/images/...tar"));
    assertEquals(List.of(), temporaries());
  }

  @Test
  void aGivenNameIsHeldToTheStoresRuleAlone() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    publish(Map.of("image.tar", image));
    PullOptions options = PullOptions.builder().verify(TestImages.sha256(image)).build();
    JimgException e = assertThrows(JimgException.class, () -> puller().pull(url("image.tar"), "a/b", options));
    assertEquals(JimgException.Reason.USAGE, e.reason());
    assertEquals("invalid image name 'a/b': an image name cannot contain '/'", e.getMessage());
    // Refused by the old pattern (a leading '_', a '+', longer than 64), taken by the store.
    String name = "_build+" + "x".repeat(100);
    puller().pull(url("image.tar"), name, options);
    assertEquals("x", marker(name));
  }

  @Test
  void refusesAnExistingNameWithoutForce() throws IOException {
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar", TestImages.tarball(temp, "image.tar", "x"))));
    puller().pull(url("image.tar"), "victim", signed());
    JimgException e = assertThrows(JimgException.class, () -> puller().pull(url("image.tar"), "victim", signed()));
    assertEquals(JimgException.Reason.EXISTS, e.reason());
    puller().pull(url("image.tar"), "victim", signed().toBuilder().force(true).build());
  }

  @Test
  void theProofIsFetchedOnTheExecutorWhileTheStoreIsChecked() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar", "x");
    byte[] settings = "[Exec]\nBoot=yes\n".getBytes(StandardCharsets.UTF_8);
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar", image, "image.nspawn", settings)));
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.Executor recording = task -> {
      Thread thread = new Thread(() -> {
        threads.add(Thread.currentThread().getName());
        task.run();
      }, "proof-" + threads.size());
      thread.start();
    };
    Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(Map.of()));
    Puller puller = new Puller(store, fetcher, temp.resolve("no-system-keys"), temp.resolve("locks"),
        Clock.systemUTC(), StoreListener.NONE, recording);
    puller.pull(url("image.tar"), "web", signed());
    assertEquals(3, threads.size(), "keyrings, checksum file with signature, settings file: " + threads);
    assertEquals("[Exec]\nBoot=yes\n", Files.readString(store.pool.resolve("web.nspawn")));

    threads.clear();
    puller.pull(url("image.tar"), "plain", PullOptions.builder().verify("no").settings(false).build());
    assertEquals(List.of(), threads, "nothing to fetch beside the image");
  }

  @Test
  void twoSimultaneousPullsOfOneUrlDownloadOnce() throws Exception {
    byte[] image = TestImages.tarball(temp, "image.tar.gz", "shared");
    publish(TestImages.signedRelease(gpg, publisher, Map.of("image.tar.gz", image)));
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      Future<Puller.Pulled> one = executor.submit(() -> puller().pull(url("image.tar.gz"), "one", signed()));
      Future<Puller.Pulled> two = executor.submit(() -> puller().pull(url("image.tar.gz"), "two", signed()));
      assertTrue(one.get().fromCache() != two.get().fromCache(), "exactly one of them used the other's download");
    } finally {
      executor.shutdownNow();
    }
    assertEquals(1, mirror.bodies("/images/image.tar.gz"));
    assertEquals("shared", marker("one"));
    assertEquals("shared", marker("two"));
  }
}
