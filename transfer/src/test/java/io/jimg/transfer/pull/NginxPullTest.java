package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.verify.Gnupg;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real nginx on loopback: its ETags, 304s, Range handling and TLS, with real GnuPG signatures. */
class NginxPullTest {
  @RegisterExtension static final NginxServer NGINX = new NginxServer();

  static Gnupg gpg;
  static String publisher;
  static String expired;
  static String revoked;
  static Path keyring;
  @TempDir static Path shared;

  @TempDir Path temp;
  FakePullStore store;

  @BeforeAll
  static void keys() throws IOException {
    Requirements.requireTool("gpg");
    Requirements.requireTool("zstd");
    gpg = new Gnupg();
    publisher = gpg.generateKey("Publisher <publisher@example.org>", null, "never");
    expired = gpg.generateKey("Expired <expired@example.org>", "20200101T000000", "never");
    revoked = gpg.generateKey("Revoked <revoked@example.org>", "20200101T000000", "never");
  }

  @AfterAll
  static void dropKeys() throws IOException {
    if (gpg != null) {
      gpg.close();
    }
  }

  @BeforeEach
  void pool() throws IOException {
    store = new FakePullStore(Files.createDirectories(temp.resolve("pool")));
  }

  private Puller puller(Path caFile) throws JimgException {
    HttpOptions options = HttpOptions.defaults().withEnvironment(Map.of()).withRetries(2, Duration.ofMillis(10), d -> { });
    return new Puller(store, new Fetcher(caFile == null ? options : options.withCaFile(caFile)), temp.resolve("none"),
        temp.resolve("locks"), Clock.systemUTC(), StoreListener.NONE);
  }

  private PullOptions trusting(String... fingerprints) throws IOException {
    Path ring = gpg.keyring(temp, "trusted-" + System.nanoTime() + ".gpg", false, fingerprints);
    return PullOptions.builder().keyrings(List.of(ring)).build();
  }

  /** Publishes files under {@code /<directory>/} and returns the directory's path in URLs. */
  private String publish(String directory, Map<String, byte[]> files) throws IOException {
    Path dir = Files.createDirectories(NGINX.root().resolve(directory));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
    }
    return "/" + directory + "/";
  }

  private String marker(String name) throws IOException {
    return Files.readString(store.image(name).resolve(TestImages.MARKER));
  }

  private long logged(String path, String status) throws IOException {
    return NGINX.accessLog().stream().filter(line -> line.startsWith("GET " + path + " " + status + " ")).count();
  }

  @Test
  void pullsASignedTarballOverHttpsWithAnExtraCaFile() throws IOException {
    String dir = publish("https", TestImages.signedRelease(gpg, publisher,
        Map.of("image.tar.zst", TestImages.tarball(temp, "image.tar.zst", "over https"))));
    puller(NGINX.caFile()).pull(NGINX.httpsUrl(dir + "image.tar.zst"), "secure", trusting(publisher));
    assertEquals("over https", marker("secure"));
  }

  @Test
  void refusesARedirectFromHttpsToHttpAndDownloadsNothing() throws IOException {
    String dir = publish("down", TestImages.signedRelease(gpg, publisher,
        Map.of("image.tar", TestImages.tarball(temp, "image.tar", "x"))));
    URI url = NGINX.httpsUrl(dir + "image.tar");
    JimgException e = assertThrows(JimgException.class,
        () -> puller(NGINX.caFile()).pull(url, "down", trusting(publisher)));
    assertTrue(e.getMessage().contains("refusing a redirect from https to http"), e.getMessage());
    // Without verification the image itself is the first thing redirected.
    e = assertThrows(JimgException.class,
        () -> puller(NGINX.caFile()).pull(url, "down", PullOptions.builder().verify("no").settings(false).build()));
    assertEquals(url + ": refusing a redirect from https to http (" + NGINX.url(dir + "image.tar") + ")",
        e.getMessage());
    assertEquals(1, NGINX.httpsAccessLog().stream().filter(l -> l.startsWith("GET " + dir + "image.tar 302 ")).count());
    assertEquals(List.of(), NGINX.accessLog().stream().filter(l -> l.contains(dir)).toList(),
        "nothing was asked of the plain HTTP server");
    assertFalse(store.exists("down"));
    try (java.util.stream.Stream<Path> left = Files.list(store.pool)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "nothing was downloaded");
    }
  }

  @Test
  void refusesASignatureMadeAfterTheKeyExpired() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar.gz", "x");
    byte[] sums = TestImages.sums(Map.of("image.tar.gz", image));
    byte[] signature = gpg.detachSign(expired, sums, "20200301T000000", false);
    gpg.setExpiry(expired, "20200105T000000", "2020-01-10");
    String dir = publish("expired", Map.of("image.tar.gz", image, "SHA256SUMS", sums, "SHA256SUMS.gpg", signature));
    JimgException e = assertThrows(JimgException.class,
        () -> puller(null).pull(NGINX.url(dir + "image.tar.gz"), "expired", trusting(expired)));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
    assertEquals(0, logged(dir + "image.tar.gz", "200"), "verification comes before the download");
  }

  @Test
  void anExpiredSignatureIsRefused() throws Exception {
    byte[] image = TestImages.tarball(temp, "image.tar.gz", "x");
    byte[] sums = TestImages.sums(Map.of("image.tar.gz", image));
    byte[] signature = gpg.detachSign(publisher, sums, null, "--default-sig-expire", "seconds=2");
    String dir = publish("short-lived", Map.of("image.tar.gz", image, "SHA256SUMS", sums, "SHA256SUMS.gpg", signature));
    // The scenario itself: the signature's two seconds, counted from a creation time rounded down, must pass.
    Thread.sleep(3000);
    JimgException e = assertThrows(JimgException.class,
        () -> puller(null).pull(NGINX.url(dir + "image.tar.gz"), "short-lived", trusting(publisher)));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
    assertFalse(store.exists("short-lived"));
    assertEquals(0, logged(dir + "image.tar.gz", "200"), "verification comes before the download");
  }

  @Test
  void refusesASignatureByARevokedKey() throws IOException {
    byte[] image = TestImages.tarball(temp, "image.tar.xz", "x");
    byte[] sums = TestImages.sums(Map.of("image.tar.xz", image));
    byte[] signature = gpg.detachSign(revoked, sums, "20200103T000000", true);
    gpg.revoke(revoked, 1, "20240101T000000");
    String dir = publish("revoked", Map.of("image.tar.xz", image, "SHA256SUMS", sums, "SHA256SUMS.asc", signature));
    JimgException e = assertThrows(JimgException.class,
        () -> puller(null).pull(NGINX.url(dir + "image.tar.xz"), "revoked", trusting(revoked)));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains("revoked"), e.getMessage());
  }

  @Test
  void reusesTheCacheWhenNginxAnswers304() throws IOException {
    String dir = publish("cache", TestImages.signedRelease(gpg, publisher,
        Map.of("image.tar.gz", TestImages.tarball(temp, "image.tar.gz", "cached"))));
    PullOptions options = trusting(publisher);
    assertFalse(puller(null).pull(NGINX.url(dir + "image.tar.gz"), "first", options).fromCache());
    assertTrue(puller(null).pull(NGINX.url(dir + "image.tar.gz"), "second", options).fromCache());
    assertEquals("cached", marker("second"));
    assertEquals(1, logged(dir + "image.tar.gz", "304"));
    assertEquals(1, logged(dir + "image.tar.gz", "200"));
  }

  @Test
  void resumesAnInterruptedDownloadWithRange() throws Exception {
    byte[] image = TestImages.tarball(temp, "image.tar", "resumed");
    String dir = publish("resume", TestImages.signedRelease(gpg, publisher, Map.of("image.tar", image)));
    URI url = NGINX.url(dir + "image.tar");
    leavePartial(url, Arrays.copyOf(image, image.length / 2), etagOf(url));
    puller(null).pull(url, "resumed", trusting(publisher));
    assertEquals("resumed", marker("resumed"));
    assertEquals(1, logged(dir + "image.tar", "206"));
    assertEquals(0, logged(dir + "image.tar", "200"));
  }

  @Test
  void restartsCleanlyWhenTheServerIgnoresRange() throws Exception {
    byte[] image = TestImages.tarball(temp, "image.tar", "whole");
    String dir = publish("norange", TestImages.signedRelease(gpg, publisher, Map.of("image.tar", image)));
    URI url = NGINX.url(dir + "image.tar");
    byte[] garbage = new byte[image.length / 2];
    Arrays.fill(garbage, (byte) 'x');
    leavePartial(url, garbage, etagOf(url));
    puller(null).pull(url, "whole", trusting(publisher));
    assertEquals("whole", marker("whole"));
    assertTrue(NGINX.accessLog().contains("GET " + dir + "image.tar 200 range=bytes=" + garbage.length + "-"),
        NGINX.accessLog().toString());
  }

  @Test
  void restartsCleanlyWhenTheFileChangedSinceTheInterruption() throws Exception {
    byte[] image = TestImages.tarball(temp, "image.tar", "new");
    String dir = publish("changed", TestImages.signedRelease(gpg, publisher, Map.of("image.tar", image)));
    URI url = NGINX.url(dir + "image.tar");
    leavePartial(url, new byte[1000], "\"0-old\"");
    puller(null).pull(url, "changed", trusting(publisher));
    assertEquals("new", marker("changed"));
    assertEquals(1, logged(dir + "image.tar", "200"));
  }

  @Test
  void reports404WithTheUrl() throws IOException {
    String dir = publish("missing", TestImages.signedRelease(gpg, publisher,
        Map.of("image.tar", TestImages.tarball(temp, "image.tar", "x"))));
    Files.delete(NGINX.root().resolve("missing/image.tar"));
    JimgException e = assertThrows(JimgException.class,
        () -> puller(null).pull(NGINX.url(dir + "image.tar"), "missing", trusting(publisher)));
    assertEquals(NGINX.url(dir + "image.tar") + ": HTTP 404 Not Found", e.getMessage());
  }

  @Test
  void twoProcessesPullingOneUrlDownloadItOnce() throws Exception {
    byte[] noise = new byte[600 * 1024];
    new java.util.Random(1).nextBytes(noise);
    Path tree = Files.createDirectories(temp.resolve("tree/etc"));
    Files.writeString(tree.resolve("jimg-test-marker"), "raced");
    Files.write(tree.resolve("noise"), noise);
    Path tarball = temp.resolve("image.tar");
    FakePullStore.run("tar", "-cf", tarball.toString(), "-C", temp.resolve("tree").toString(), ".");
    String dir = publish("slow", TestImages.signedRelease(gpg, publisher, Map.of("image.tar", Files.readAllBytes(tarball))));
    Path ring = gpg.keyring(temp, "race.gpg", false, publisher);
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Process> processes = new java.util.ArrayList<>();
    for (String name : List.of("one", "two")) {
      processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djnr.ffi.asm.enabled=false", "-cp", classPath, PullProcess.class.getName(),
          NGINX.url(dir + "image.tar").toString(), name, store.pool.toString(), temp.resolve("locks").toString(),
          ring.toString()).redirectErrorStream(true).start());
    }
    List<String> outcomes = new java.util.ArrayList<>();
    for (Process process : processes) {
      String output = new String(process.getInputStream().readAllBytes()).strip();
      assertEquals(0, process.waitFor(), output);
      outcomes.add(output.substring(output.lastIndexOf('\n') + 1));
    }
    outcomes.sort(null);
    assertEquals(List.of("cache", "download"), outcomes);
    assertEquals(1, logged(dir + "image.tar", "200"));
    assertEquals(1, logged(dir + "image.tar", "304"));
    assertEquals("raced", marker("one"));
    assertEquals("raced", marker("two"));
  }

  private void leavePartial(URI url, byte[] prefix, String etag) throws IOException {
    String name = DownloadSession.name(ImageFormat.TAR, url);
    Files.write(store.pool.resolve(name), prefix);
    Files.writeString(store.pool.resolve(name + ".etag"), etag);
  }

  private static String etagOf(URI url) throws Exception {
    HttpResponse<Void> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    return response.headers().firstValue("ETag").orElseThrow();
  }
}
