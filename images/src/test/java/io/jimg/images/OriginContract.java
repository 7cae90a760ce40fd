package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.FakeClock;
import io.jimg.images.JimgException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code NAME.origin}: written with the image, carried by clone and rename, dropped by remove, read safely. */
abstract class OriginContract {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final Origin PULLED = Origin.of("pull-tar", "http://example.org/deb.tar.xz").withSha256("ab".repeat(32))
      .withVerification("signature", List.of("0123456789ABCDEF0123456789ABCDEF01234567"));

  Pools pools;
  FakeClock clock = new FakeClock();
  ImageStore store;

  abstract Path filesystemRoot();

  @BeforeEach
  void setUp() throws IOException {
    pools = new Pools(filesystemRoot());
    store = pools.builder().clock(clock).build();
  }

  @AfterEach
  void tearDown() {
    pools.release();
  }

  private static CreateOptions recording(Origin origin) {
    return CreateOptions.DEFAULT.withOrigin(origin);
  }

  @Test
  void aCreatedImageHasItsOriginBesideItInTheEnvFileStyle() throws IOException {
    Image made = store.createTree("deb", recording(PULLED), Pools.tree("debian"));
    assertEquals(PULLED.at(START), made.origin());
    assertEquals("KIND=\"pull-tar\"\nSOURCE=\"http://example.org/deb.tar.xz\"\nSHA256=\"" + "ab".repeat(32)
        + "\"\nVERIFIED=\"signature\"\nSIGNED_BY=\"0123456789ABCDEF0123456789ABCDEF01234567\"\n"
        + "TIME=\"2026-01-01T00:00:00Z\"\n", Files.readString(pools.pool.resolve("deb.origin")));
    store.createRaw("disk", recording(Origin.of("import-raw", "-")), Pools.raw("x"));
    assertEquals(List.of("deb", "deb.origin", "disk.origin", "disk.raw"), pools.names());
    List<Image> listed = store.list(true).stream().sorted(java.util.Comparator.comparing(Image::name)).toList();
    assertEquals(List.of("deb", "disk"), listed.stream().map(Image::name).toList(), "a record is no image");
    assertEquals(PULLED.at(START), listed.get(0).origin());
    assertEquals(Origin.of("import-raw", "-").at(START), store.show("disk").origin());
    List<Image> bare = store.listWithoutOrigins(true);
    assertEquals(List.of("deb", "disk"), bare.stream().map(Image::name).sorted().toList());
    assertTrue(bare.stream().allMatch(image -> image.origin() == null), "a listing without origins reads none");
  }

  @Test
  void aValueIsQuotedAndItsControlCharactersNeverWrittenRaw() throws IOException {
    String hostile = "/srv/a \"b\" $HOME `x` \\ c\nKIND=evil\u001b[31m";
    store.createTree("odd", recording(Origin.of("import-fs", hostile)), Pools.tree("t"));
    String text = Files.readString(pools.pool.resolve("odd.origin"));
    assertEquals(3, text.lines().count(), text);
    assertTrue(!text.contains("\u001b") && !text.contains("\nKIND=evil"), text);
    Origin read = store.show("odd").origin();
    assertEquals("import-fs", read.kind());
    assertEquals("/srv/a \"b\" $HOME `x` \\ c\uFFFDKIND=evil\uFFFD[31m", read.source());
  }

  @Test
  void aCloneKeepsWhereTheBytesCameFromAndNamesItsSource() throws IOException {
    store.createTree("base", recording(PULLED), Pools.tree("b"));
    clock.advance(Duration.ofHours(1));
    Image clone = store.clone("base", "first", false);
    Origin expected = new Origin("pull-tar", PULLED.source(), PULLED.sha256(), "signature", PULLED.signedBy(),
        START.plusSeconds(3600), "base", null, null, null);
    assertEquals(expected, clone.origin());
    clock.advance(Duration.ofHours(1));
    Origin second = store.clone("first", "second", true).origin();
    assertEquals("first", second.clonedFrom(), "a clone of a clone names the image it copied");
    assertEquals(PULLED.source(), second.source());
    assertEquals(START.plusSeconds(7200), second.time());
    assertEquals(PULLED.at(START), store.show("base").origin(), "the source's record is untouched");
  }

  @Test
  void aFillerReportsTheDigestOfWhatItReadAndAGivenOriginReplacesACloneOwn() throws IOException {
    store.createRaw("disk", recording(Origin.of("import-raw", "/srv/disk.raw")), image -> image.sha256("cd".repeat(32)));
    assertEquals(Origin.of("import-raw", "/srv/disk.raw").withSha256("cd".repeat(32)).at(START),
        store.show("disk").origin());
    assertEquals(PULLED.at(START), store.clone("disk", "pulled", CreateOptions.DEFAULT.withOrigin(PULLED)).origin(),
        "a pull's copy of its cache entry says where the pull came from");
  }

  @Test
  void aCloneOfAnImageWithoutARecordStillNamesItsSource() throws IOException {
    store.createTree("foreign", CreateOptions.DEFAULT, Pools.tree("f"));
    assertNull(store.show("foreign").origin());
    assertEquals(new Origin(null, null, null, null, List.of(), START, "foreign", null, null, null),
        store.clone("foreign", "mine", false).origin());
  }

  @Test
  void renameCarriesTheRecordAndRemoveAndCleanDropIt() throws IOException {
    store.createTree("old", recording(PULLED), Pools.tree("o"));
    store.rename("old", "new");
    assertEquals(List.of("new", "new.origin"), pools.names());
    assertEquals(PULLED.at(START), store.show("new").origin());
    store.createTree(".hidden", recording(PULLED), Pools.tree("h"));
    store.clean(false);
    assertEquals(List.of("new", "new.origin"), pools.names());
    store.remove(List.of("new"));
    assertEquals(List.of(), pools.names());
  }

  @Test
  void aRecordLeftByAnotherToolsRemoveNeverBelongsToANewImage() throws IOException {
    store.createRaw("seed", CreateOptions.DEFAULT, Pools.raw("x")); // makes the pool
    Files.writeString(pools.pool.resolve("a.origin"), "KIND=\"stale\"\n");
    Files.writeString(pools.pool.resolve("b.origin"), "KIND=\"stale\"\n");
    store.createTree("a", recording(PULLED), Pools.tree("a"));
    store.createTree("b", CreateOptions.DEFAULT, Pools.tree("b"));
    assertEquals(PULLED.at(START), store.show("a").origin());
    assertNull(store.show("b").origin());
    assertEquals(List.of("a", "a.origin", "b", "seed.raw"), pools.names(), "no temporary, no stale record");
    store.createTree("a", new CreateOptions(true, false), Pools.tree("again"));
    assertNull(store.show("a").origin(), "a forced replacement takes the old record with the old image");
  }

  @Test
  void anImageNamedLikeARecordIsNeverTakenForOne() throws IOException {
    store.createTree("a.origin", recording(PULLED), Pools.tree("image"));
    store.createTree("a", recording(PULLED), Pools.tree("a"));
    assertEquals("image", store.show("a.origin").osRelease().get("ID"), "the image a.origin is whole");
    assertNull(store.show("a").origin(), "a's record could not take the name of an image");
    store.remove(List.of("a"));
    assertEquals(List.of("a.origin", "a.origin.origin"), pools.names());
  }

  @Test
  void aRenameOntoALoneRecordIsRefusedAndChangesNothing() throws IOException {
    store.createTree("a", recording(PULLED), Pools.tree("a"));
    Files.writeString(pools.pool.resolve("b.origin"), "KIND=\"stale\"\n");
    StoreContract.fails(Reason.EXISTS, () -> store.rename("a", "b"));
    assertEquals(List.of("a", "a.origin", "b.origin"), pools.names());
  }

  @Test
  void aHostileRecordNeverBreaksListOrShow() throws IOException {
    Path outside = Files.writeString(pools.base.resolve("outside"), "KIND=\"planted\"\n");
    for (String name : List.of("huge", "link", "binary", "fifo", "garbled")) {
      store.createTree(name, CreateOptions.DEFAULT, Pools.tree(name));
    }
    Files.write(pools.pool.resolve("huge.origin"),
        ("KIND=\"huge\"\n" + "#".repeat(OriginFile.MAX_BYTES)).getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(pools.pool.resolve("link.origin"), outside);
    byte[] binary = new byte[4096];
    new java.util.Random(7).nextBytes(binary);
    Files.write(pools.pool.resolve("binary.origin"), binary);
    io.jimg.btrfs.testing.Commands.run("mkfifo", pools.pool.resolve("fifo.origin").toString());
    Files.writeString(pools.pool.resolve("garbled.origin"), "KIND=\"pull-raw\"\nTIME=\"yesterday\"\nSIGNED_BY=\"\"\n");
    List<Image> listed = store.list(false);
    assertEquals(5, listed.size());
    for (Image image : listed) {
      if (image.name().equals("garbled")) {
        assertEquals(Origin.of("pull-raw", null), image.origin(), "a time that is no time reads as none");
      } else {
        assertNull(image.origin(), image.name());
        assertNull(store.show(image.name()).origin(), image.name());
      }
    }
  }

  @Test
  void aBatchPublishesEachImagesRecordWithItOrNone() throws IOException {
    Origin provisioned = Origin.provisionOf(PULLED, "template");
    try (Batch batch = store.batch()) {
      for (String name : List.of("one", "two")) {
        Files.createDirectory(batch.path(batch.image(name)));
        batch.origin(provisioned);
      }
      batch.publish(index -> {
        if (index == 1) {
          throw new IOException("stop");
        }
      });
    } catch (IOException e) {
      assertEquals("stop", e.getMessage());
    }
    assertEquals(List.of(), pools.names().stream().filter(n -> !n.startsWith(".#")).toList(), "none published");
    try (Batch batch = store.batch()) {
      Files.createDirectory(batch.path(batch.image("one")));
      batch.origin(provisioned);
      batch.publish(Batch.BeforePublish.NONE);
    }
    Origin one = store.show("one").origin();
    assertNotNull(one);
    assertEquals(new Origin("pull-tar", PULLED.source(), PULLED.sha256(), "signature", PULLED.signedBy(), START,
        null, "template", null, null), one);
  }
}
