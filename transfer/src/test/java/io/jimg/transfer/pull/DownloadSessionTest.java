package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Download;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One download of a URL into the pool: its file and ETag kept to resume, and nothing left where nothing came. */
class DownloadSessionTest {
  private static final byte[] IMAGE = "image bytes\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);

  @TempDir Path temp;
  Path poolPath;
  Fd pool;
  MockWebServer server;
  FakeMirror mirror;

  @BeforeEach
  void start() throws IOException {
    poolPath = Files.createDirectories(temp.resolve("pool"));
    pool = Fd.openDirectory(poolPath);
    mirror = new FakeMirror();
    mirror.put("/image.tar", IMAGE);
    server = mirror.serve();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    pool.close();
  }

  private URI url() {
    return server.url("/image.tar").uri();
  }

  private List<String> names() throws IOException {
    try (Stream<Path> entries = Files.list(poolPath)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Fetcher fetcher() throws IOException {
    return new Fetcher(HttpOptions.defaults().withEnvironment(Map.of()));
  }

  @Test
  void aSessionEndingWithNothingDownloadedLeavesNothing() throws IOException {
    try (DownloadSession session = DownloadSession.open(pool, ImageFormat.TAR, url())) {
      assertEquals(List.of(DownloadSession.name(ImageFormat.TAR, url())), names());
    }
    assertEquals(List.of(), names());
  }

  @Test
  void aDownloadAndItsEtagStayToResumeUntilDiscarded() throws Exception {
    String name = DownloadSession.name(ImageFormat.TAR, url());
    Download download;
    try (DownloadSession session = DownloadSession.open(pool, ImageFormat.TAR, url())) {
      download = session.fetch(fetcher(), url(), List.of(), Long.MAX_VALUE, StoreListener.NONE);
    }
    assertEquals(FakeMirror.etag(IMAGE), download.etag());
    assertEquals(List.of(name, name + ".etag"), names());
    assertArrayEquals(IMAGE, Files.readAllBytes(poolPath.resolve(name)));
    assertEquals(FakeMirror.etag(IMAGE), Files.readString(poolPath.resolve(name + ".etag")).strip());

    try (DownloadSession session = DownloadSession.open(pool, ImageFormat.TAR, url())) {
      assertEquals(IMAGE.length, session.channel().size(), "the next session of the URL finds the bytes");
      session.fetch(fetcher(), url(), List.of(), Long.MAX_VALUE, StoreListener.NONE);
      server.takeRequest();
      RecordedRequest resumed = server.takeRequest();
      assertEquals("bytes=" + IMAGE.length + "-", resumed.getHeaders().get("Range"));
      assertEquals(FakeMirror.etag(IMAGE), resumed.getHeaders().get("If-Range"), "resumed under the recorded ETag");
      session.discard();
      assertEquals(List.of(), names());
    }
    assertEquals(List.of(), names());
  }

  @Test
  void knownEtagsAreOfferedAndA304LeavesNothingBehind() throws IOException {
    try (DownloadSession session = DownloadSession.open(pool, ImageFormat.TAR, url())) {
      Download download = session.fetch(fetcher(), url(), List.of(FakeMirror.etag(IMAGE)), Long.MAX_VALUE,
          StoreListener.NONE);
      assertTrue(download.notModified());
      assertEquals(FakeMirror.etag(IMAGE), download.etag());
    }
    assertEquals(List.of(), names());
    assertEquals(0, mirror.bodies("/image.tar"));
  }

  @Test
  void fetchingAgainOffersNoEtagAndStartsFromTheFirstByte() throws IOException {
    try (DownloadSession session = DownloadSession.open(pool, ImageFormat.TAR, url())) {
      session.channel().write(ByteBuffer.wrap("stale".getBytes(StandardCharsets.US_ASCII)));
      Download download = session.fetchAgain(fetcher(), url(), Long.MAX_VALUE, StoreListener.NONE);
      assertFalse(download.notModified());
      assertEquals(IMAGE.length, download.size());
      assertArrayEquals(IMAGE, Files.readAllBytes(poolPath.resolve(DownloadSession.name(ImageFormat.TAR, url()))));
      session.discard();
    }
  }
}
