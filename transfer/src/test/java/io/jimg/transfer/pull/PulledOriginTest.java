package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.FakeClock;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.ImageStore;
import io.jimg.images.Origin;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.verify.Gnupg;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a pull from a real nginx records as the image's origin in the real store: URL, digest, proof, signers. */
class PulledOriginTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final NginxServer NGINX = new NginxServer();

  static Gnupg gpg;
  static String publisher;

  Path base;
  FakeClock clock = new FakeClock();
  ImageStore store;
  Puller puller;

  @BeforeAll
  static void keys() throws IOException {
    Requirements.requireTool("gpg");
    gpg = new Gnupg();
    publisher = gpg.generateKey("Publisher <publisher@example.org>", null, "never");
  }

  @AfterAll
  static void dropKeys() throws IOException {
    if (gpg != null) {
      gpg.close();
    }
  }

  @BeforeEach
  void start() throws IOException {
    base = BTRFS.newDirectory("origin-");
    store = ImageStore.builder().imageRoot(base.resolve("machines")).settingsDirectory(base.resolve("nspawn"))
        .lockDirectory(base.resolve("locks")).clock(clock).build();
    Files.createDirectories(base.resolve("work"));
    ImageStorePullStore pullStore = new ImageStorePullStore(store, new StoreUnpacker(store, 1L << 30,
        StoreListener.NONE));
    puller = new Puller(pullStore, new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())),
        base.resolve("none"), base.resolve("pull-locks"), Clock.systemUTC(), StoreListener.NONE);
  }

  private URI publish(String directory, Map<String, byte[]> files) throws IOException {
    Path dir = Files.createDirectories(NGINX.root().resolve(directory));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
    }
    return NGINX.url("/" + directory + "/");
  }

  @Test
  void aSignedPullThroughTheCacheRecordsItsUrlDigestAndSignerNotTheCacheEntry() throws IOException {
    byte[] tarball = TestImages.tarball(base.resolve("work"), "debian.tar.gz", "signed");
    URI url = publish("signed", TestImages.signedRelease(gpg, publisher, Map.of("debian.tar.gz", tarball)))
        .resolve("debian.tar.gz");
    PullOptions options = PullOptions.builder()
        .keyrings(List.of(gpg.keyring(base, "trusted.gpg", false, publisher))).build();
    puller.pull(url, "deb", options);
    Origin expected = new Origin("pull-tar", url.toString(), TestImages.sha256(tarball), "signature",
        List.of(publisher.toUpperCase(Locale.ROOT)), clock.instant(), null, null, null, null);
    assertEquals(expected, store.show("deb").origin());

    clock.advance(Duration.ofHours(1));
    puller.pull(url, "again", options); // unchanged on the server: a copy of the cache entry
    assertEquals(new Origin("pull-tar", url.toString(), TestImages.sha256(tarball), "signature",
        List.of(publisher.toUpperCase(Locale.ROOT)), clock.instant(), null, null, null, null), store.show("again").origin());
  }

  @Test
  void aChecksummedRawPullRecordsNoSigner() throws IOException {
    byte[] disk = new byte[64 * 1024];
    disk[510] = 0x55;
    URI url = publish("checked", Map.of("disk.raw", disk, "SHA256SUMS", TestImages.sums(Map.of("disk.raw", disk))))
        .resolve("disk.raw");
    puller.pull(url, "disk", PullOptions.builder().verify("checksum").keepDownload(false).build());
    Origin origin = store.show("disk").origin();
    assertEquals(new Origin("pull-raw", url.toString(), TestImages.sha256(disk), "checksum", List.of(),
        clock.instant(), null, null, null, null), origin);
    assertTrue(Files.isRegularFile(base.resolve("machines/disk.origin")));
    assertNull(origin.clonedFrom());
  }
}
