package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Names someone else planted in the pool under the names a pull uses (an earlier hostile archive, an image's own
 * contents, the owner of a pool): root's pull must never read or write through them into a root-only file.
 */
class NamesPlantedInThePoolTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final int NOBODY = 65534;
  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

  Path base;
  Path pool;
  Path sentinel;
  ImageStorePullStore store;
  MockWebServer server;
  FakeMirror mirror;

  @BeforeEach
  void start() throws IOException {
    base = BTRFS.newDirectory("planted-");
    ImageStore images = ImageStore.builder().imageRoot(base.resolve("machines")).settingsDirectory(base.resolve("nspawn"))
        .lockDirectory(base.resolve("locks")).build();
    store = new ImageStorePullStore(images, new StoreUnpacker(images, 1L << 30, StoreListener.NONE));
    pool = store.pool();
    sentinel = sentinel("root's secret\n".getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(base.resolve("work"));
    mirror = new FakeMirror();
    mirror.put("/image.tar", TestImages.tarball(base.resolve("work"), "image.tar", "pulled"));
    server = mirror.serve();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** A root-only file outside the pool, unchanged since long ago. */
  private Path sentinel(byte[] content) throws IOException {
    Path file = Files.write(base.resolve("sentinel"), content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.setLastModifiedTime(file, LONG_AGO);
    return file;
  }

  /** A symlink to the sentinel under {@code name} in the pool, owned by nobody as if nobody had made it. */
  private void plant(String name) throws IOException {
    Path link = Files.createSymbolicLink(pool.resolve(name), sentinel);
    Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
  }

  private void assertSentinelUntouched(byte[] content) throws IOException {
    assertArrayEquals(content, Files.readAllBytes(sentinel));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sentinel)));
    assertEquals(LONG_AGO, Files.getLastModifiedTime(sentinel));
  }

  private Puller.Pulled pull(String name, PullOptions options) throws IOException {
    return new Puller(store, new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())), base.resolve("none"),
        base.resolve("pull-locks"), Clock.systemUTC(), StoreListener.NONE).pull(url(), name, options);
  }

  private URI url() {
    return server.url("/image.tar").uri();
  }

  private static PullOptions unverified() throws JimgException {
    return PullOptions.builder().verify("no").build();
  }

  private String marker(String name) throws IOException {
    return Files.readString(pool.resolve(name).resolve(TestImages.MARKER));
  }

  @Test
  void aSymlinkPlantedAsTheDownloadsEtagFileIsReplacedNotWrittenThrough() throws IOException {
    byte[] secret = Files.readAllBytes(sentinel);
    plant(DownloadSession.name(ImageFormat.TAR, url()) + ".etag");
    pull("x", unverified());
    assertSentinelUntouched(secret);
    assertEquals("pulled", marker("x"));
    assertFalse(Files.exists(pool.resolve(DownloadSession.name(ImageFormat.TAR, url()) + ".etag"),
        LinkOption.NOFOLLOW_LINKS), "the ETag goes with the finished download");
  }

  @Test
  void aSymlinkPlantedAsTheSettingsFileIsReplacedNotWrittenThrough() throws IOException {
    byte[] secret = Files.readAllBytes(sentinel);
    mirror.put("/image.nspawn", "[Exec]\nBoot=yes\n".getBytes(StandardCharsets.UTF_8));
    plant("web.nspawn");
    pull("web", unverified());
    assertSentinelUntouched(secret);
    assertFalse(Files.isSymbolicLink(pool.resolve("web.nspawn")));
    assertEquals("[Exec]\nBoot=yes\n", Files.readString(pool.resolve("web.nspawn")));
  }

  @Test
  void aSymlinkPlantedAsACacheRecordIsNeitherReadNorTouched() throws IOException {
    pull("first", unverified());
    String entry = CacheNames.entry(ImageFormat.TAR, url().toString(), FakeMirror.etag(mirror.files.get("/image.tar")));
    Path record = pool.resolve(entry + CacheRecords.RECORD_SUFFIX);
    // The sentinel holds what a record would: read through the link, it would offer the entry and be touched.
    byte[] copy = Files.readAllBytes(record);
    Files.delete(sentinel);
    sentinel(copy);
    Files.delete(record);
    plant(entry + CacheRecords.RECORD_SUFFIX);
    assertFalse(pull("second", unverified()).fromCache(), "a record that is a symlink is no record");
    assertSentinelUntouched(copy);
    assertTrue(Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS), "the entry has a record of its own again");
    assertEquals("pulled", marker("second"));
  }

  @Test
  void aDevicePlantedAsTheDownloadIsRefusedNotOpened() throws IOException {
    Path download = pool.resolve(DownloadSession.name(ImageFormat.TAR, url()));
    Commands.run("mknod", download.toString(), "c", "1", "3");
    JimgException e = assertThrows(JimgException.class, () -> pull("x", unverified()));
    assertEquals(download + " is not a regular file: jimg never made it, remove it", e.getMessage());
    assertFalse(store.exists("x"));
    assertEquals("character special file", Commands.run("stat", "-c", "%F", download.toString()).strip(),
        "a file jimg did not make stays");
  }
}
