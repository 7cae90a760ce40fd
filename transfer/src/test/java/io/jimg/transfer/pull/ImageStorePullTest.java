package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Access;
import io.jimg.images.Image;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.images.Origin;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.verify.Gnupg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pulls into the real store on btrfs with the real importers: cache entries are hidden read-only subvolumes. */
class ImageStorePullTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static Gnupg gpg;
  static String publisher;

  Path base;
  ImageStore store;
  ImageStorePullStore pullStore;
  MockWebServer server;
  FakeMirror mirror;

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
    base = BTRFS.newDirectory("pull-");
    store = ImageStore.builder().imageRoot(base.resolve("machines")).settingsDirectory(base.resolve("nspawn"))
        .lockDirectory(base.resolve("locks")).build();
    Files.createDirectories(base.resolve("work"));
    pullStore = new ImageStorePullStore(store, new StoreUnpacker(store, 1L << 30, StoreListener.NONE));
    mirror = new FakeMirror();
    server = mirror.serve();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private Puller puller() throws IOException {
    return new Puller(pullStore, new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())), base.resolve("none"),
        base.resolve("pull-locks"), Clock.systemUTC(), StoreListener.NONE);
  }

  private PullOptions signed() throws IOException {
    return PullOptions.builder().keyrings(List.of(gpg.keyring(base, "trusted.gpg", false, publisher))).build();
  }

  @Test
  void pullsIntoSubvolumesAndReusesTheHiddenReadOnlyCacheEntry() throws IOException {
    byte[] tarball = TestImages.tarball(base.resolve("work"), "debian.tar.gz", "pulled");
    TestImages.signedRelease(gpg, publisher, Map.of("debian.tar.gz", tarball))
        .forEach((name, bytes) -> mirror.put("/" + name, bytes));
    String url = server.url("/debian.tar.gz").toString();

    assertFalse(puller().pull(java.net.URI.create(url), null, signed()).fromCache());
    Image image = store.show("debian");
    assertEquals(ImageType.SUBVOLUME, image.type());
    assertFalse(image.readOnly());
    try (io.jimg.btrfs.Fd pool = io.jimg.btrfs.Fd.openDirectory(store.writablePool())) {
      assertTrue(io.jimg.btrfs.Btrfs.isSubvolume(pool), "the pool is made by the store, as a subvolume");
    }
    assertEquals("pulled", Files.readString(image.path().resolve(TestImages.MARKER)));

    String entry = CacheNames.entry(ImageFormat.TAR, url, FakeMirror.etag(tarball));
    Image cached = store.show(entry);
    assertTrue(cached.hidden() && cached.readOnly(), cached.toString());
    assertFalse(store.list(false).stream().anyMatch(i -> i.name().equals(entry)));

    assertTrue(puller().pull(java.net.URI.create(url), "again", signed().toBuilder().readOnly(true).build())
        .fromCache());
    assertTrue(store.show("again").readOnly());
    assertEquals(1, mirror.bodies("/debian.tar.gz"));

    assertEquals(List.of(entry), Puller.clearCache(pullStore));
    assertFalse(pullStore.exists(entry));
    assertTrue(pullStore.exists("again"));
  }

  @Test
  void aSignedPullThroughTheCacheRecordsItsUrlDigestAndSignerNotTheCacheEntry() throws IOException {
    byte[] tarball = TestImages.tarball(base.resolve("work"), "debian.tar.gz", "signed");
    TestImages.signedRelease(gpg, publisher, Map.of("debian.tar.gz", tarball))
        .forEach((name, bytes) -> mirror.put("/" + name, bytes));
    java.net.URI url = server.url("/debian.tar.gz").uri();
    puller().pull(url, "deb", signed());
    assertTrue(puller().pull(url, "again", signed()).fromCache());
    for (String name : List.of("deb", "again")) {
      Origin origin = store.show(name).origin();
      assertEquals(new Origin("pull-tar", url.toString(), TestImages.sha256(tarball), "signature",
          List.of(publisher.toUpperCase(java.util.Locale.ROOT)), origin.time(), null, null, null, null), origin,
          name + ": a copy of the cache entry says where the pull came from, not which entry it copied");
      assertNotNull(origin.time());
    }
  }

  @Test
  void aChecksummedRawPullRecordsNoSigner() throws IOException {
    byte[] disk = "raw bytes\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    mirror.put("/disk.raw", disk);
    mirror.put("/SHA256SUMS", TestImages.sums(Map.of("disk.raw", disk)));
    java.net.URI url = server.url("/disk.raw").uri();
    puller().pull(url, "disk", PullOptions.builder().verify("checksum").keepDownload(false).build());
    Origin origin = store.show("disk").origin();
    assertEquals(new Origin("pull-raw", url.toString(), TestImages.sha256(disk), "checksum", List.of(),
        origin.time(), null, null, null, null), origin);
    assertTrue(Files.isRegularFile(store.writablePool().resolve("disk.origin")));
  }

  @Test
  void takesAnyNameTheStoreTakesWithItsSettingsBesideIt() throws IOException {
    byte[] tarball = TestImages.tarball(base.resolve("work"), "debian.tar", "named");
    byte[] settings = "[Exec]\nBoot=yes\n".getBytes(StandardCharsets.UTF_8);
    TestImages.signedRelease(gpg, publisher, Map.of("debian.tar", tarball, "debian.nspawn", settings))
        .forEach((name, bytes) -> mirror.put("/" + name, bytes));
    String name = "D\u00f6rfer+caf\u00e9"; // neither a '+' nor a letter beyond ASCII was a pull's name before
    puller().pull(server.url("/debian.tar").uri(), name, signed());
    assertEquals("named", Files.readString(store.show(name).path().resolve(TestImages.MARKER)));
    assertTrue(store.list(false).stream().anyMatch(i -> i.name().equals(name)));
    try (io.jimg.btrfs.Fd pool = io.jimg.btrfs.Fd.openDirectory(store.writablePool())) {
      assertArrayEquals(settings, io.jimg.btrfs.RegularFiles.read(pool,
          io.jimg.btrfs.FileNames.bytes(name + ".nspawn"), 1024));
    }
  }

  @Test
  void pullsARawImageAsNameDotRaw() throws IOException {
    Files.createDirectories(store.writablePool());
    byte[] disk = "raw bytes\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    TestImages.signedRelease(gpg, publisher, Map.of("disk.raw", disk)).forEach((name, bytes) -> mirror.put("/" + name, bytes));
    puller().pull(server.url("/disk.raw").uri(), "disk", signed().toBuilder().keepDownload(false).build());
    Image image = store.show("disk");
    assertEquals(ImageType.RAW, image.type());
    assertArrayEquals(disk, Files.readAllBytes(store.writablePool().resolve("disk.raw")));
    assertEquals(List.of("disk"), store.list(true).stream().map(Image::name).toList());
  }
  @Test
  void aForcedPullFromTheCacheReplacesTheImageWholeOrLeavesItWhole() throws IOException {
    byte[] tarball = TestImages.tarball(base.resolve("work"), "debian.tar.zst", "new");
    TestImages.signedRelease(gpg, publisher, Map.of("debian.tar.zst", tarball))
        .forEach((name, bytes) -> mirror.put("/" + name, bytes));
    java.net.URI url = server.url("/debian.tar.zst").uri();
    puller().pull(url, "first", signed());
    store.createTree("debian", io.jimg.images.CreateOptions.DEFAULT, image -> {
      Files.createDirectories(image.path().resolve(TestImages.MARKER).getParent());
      Files.writeString(image.path().resolve(TestImages.MARKER), "old");
    });

    try (io.jimg.images.ImageLease running = store.lease("debian", Access.WRITE)) {
      io.jimg.images.JimgException busy = org.junit.jupiter.api.Assertions.assertThrows(
          io.jimg.images.JimgException.class, () -> puller().pull(url, null, signed().toBuilder().force(true).build()));
      assertEquals(io.jimg.images.JimgException.Reason.BUSY, busy.reason(), busy.getMessage());
    }
    assertEquals("old", Files.readString(store.writablePool().resolve("debian").resolve(TestImages.MARKER)),
        "a replacement that failed leaves the old image whole");

    assertTrue(puller().pull(url, null, signed().toBuilder().force(true).build()).fromCache());
    assertEquals("new", Files.readString(store.writablePool().resolve("debian").resolve(TestImages.MARKER)));
    assertEquals(1, mirror.bodies("/debian.tar.zst"));
    try (java.util.stream.Stream<Path> left = Files.list(store.writablePool())) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".#")).toList(),
          "the old image went with the temporaries");
    }
  }
}
