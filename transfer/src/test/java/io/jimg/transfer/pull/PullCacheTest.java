package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.FakeClock;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Cancellation;
import io.jimg.images.Origin;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Download;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull cache: entries kept per URL and ETag, reused while the proof vouches for them, evicted beyond the limit. */
class PullCacheTest {
  @TempDir Path temp;
  FakePullStore store;
  Fd pool;
  final FakeClock clock = new FakeClock();
  final List<StoreEvent> events = Collections.synchronizedList(new ArrayList<>());
  PullCache cache;

  @BeforeEach
  void open() throws IOException {
    Requirements.requireTool("tar");
    store = new FakePullStore(Files.createDirectories(temp.resolve("pool")));
    pool = Fd.openDirectory(store.pool);
    cache = new PullCache(store, pool, clock, new StoreListener() {
      @Override
      public void event(StoreEvent event) {
        events.add(event);
      }
    });
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private static URI url(String fileName) {
    return URI.create("https://mirror.example/images/" + fileName);
  }

  /** What a pull records; this test's fake store does not keep it. */
  private static final Origin PULL = Origin.of("pull-tar", "https://mirror.example/images/a.tar");

  /** Keeps a verified download of {@code fileName} (a tarball whose marker says {@code content}) as image {@code name}. */
  private byte[] keep(String fileName, String content, String name, long cacheMax) throws IOException {
    byte[] tarball = TestImages.tarball(temp, fileName, content);
    Path file = Files.write(temp.resolve("download-" + name), tarball);
    Download download = new Download(false, "\"" + content + "\"", tarball.length,
        HexFormat.of().parseHex(TestImages.sha256(tarball)));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      cache.keep(channel, url(fileName), ImageFormat.TAR, download, cache.known(url(fileName), ImageFormat.TAR), name,
          PullOptions.builder().cacheMax(cacheMax).build(), PULL, Cancellation.NEVER);
    }
    clock.advance(Duration.ofMinutes(1));
    return tarball;
  }

  private static Proof digest(byte[] bytes) {
    return new Proof(PullOptions.Verification.DIGEST, TestImages.sha256(bytes), null, List.of());
  }

  private String marker(String name) throws IOException {
    return Files.readString(store.image(name).resolve(TestImages.MARKER));
  }

  private static String entry(String fileName, String content) {
    return CacheNames.entry(ImageFormat.TAR, url(fileName).toString(), "\"" + content + "\"");
  }

  @Test
  void aKeptDownloadIsReusedForItsEtagWhileTheProofVouchesForIt() throws IOException {
    byte[] tarball = keep("a.tar", "v1", "first", Long.MAX_VALUE);
    assertEquals("v1", marker("first"));
    List<CacheRecords.Entry> known = cache.known(url("a.tar"), ImageFormat.TAR);
    assertEquals(List.of("\"v1\""), PullCache.etags(known));
    assertTrue(store.exists(entry("a.tar", "v1")));

    assertNull(cache.reuse(known, "\"v2\"", "other", "a.tar", digest(tarball), PullOptions.defaults(), PULL, Cancellation.NEVER),
        "the server's ETag is no entry's");
    CacheRecords.Entry reused = cache.reuse(known, "\"v1\"", "second", "a.tar", digest(tarball),
        PullOptions.defaults(), PULL, Cancellation.NEVER);
    assertNotNull(reused);
    assertEquals(TestImages.sha256(tarball), reused.sha256());
    assertEquals("v1", marker("second"));
    assertEquals(1, store.unpacks.get(), "reused, not unpacked again");
  }

  @Test
  void anEntryTheProofNoLongerVouchesForIsRemovedNotReused() throws IOException {
    keep("a.tar", "v1", "first", Long.MAX_VALUE);
    List<CacheRecords.Entry> known = cache.known(url("a.tar"), ImageFormat.TAR);
    assertNull(cache.reuse(known, "\"v1\"", "second", "a.tar", digest("other bytes".getBytes()),
        PullOptions.defaults(), PULL, Cancellation.NEVER));
    assertFalse(store.exists("second"));
    assertFalse(store.exists(entry("a.tar", "v1")));
    assertEquals(List.of(), cache.known(url("a.tar"), ImageFormat.TAR));
    assertTrue(events.stream().anyMatch(e -> e.kind() == StoreEvent.Kind.WARNING
        && e.message().contains("no longer matches the checksum file")), events.toString());
  }

  @Test
  void evictsTheLeastRecentlyUsedEntriesBeyondTheLimit() throws IOException {
    byte[] a = keep("a.tar", "a", "a", Long.MAX_VALUE);
    keep("b.tar", "b", "b", Long.MAX_VALUE);
    // a is used again, so b is now the least recently used.
    assertNotNull(cache.reuse(cache.known(url("a.tar"), ImageFormat.TAR), "\"a\"", "a2", "a.tar", digest(a),
        PullOptions.defaults(), PULL, Cancellation.NEVER));
    clock.advance(Duration.ofMinutes(1));
    long each = store.size(entry("a.tar", "a"));
    keep("c.tar", "c", "c", 2 * each);
    assertTrue(store.exists(entry("a.tar", "a")));
    assertFalse(store.exists(entry("b.tar", "b")));
    assertFalse(Files.exists(store.pool.resolve(entry("b.tar", "b") + CacheRecords.RECORD_SUFFIX)));
    assertTrue(store.exists(entry("c.tar", "c")));
    assertTrue(events.stream().anyMatch(e -> e.kind() == StoreEvent.Kind.REMOVED
        && e.image().equals(entry("b.tar", "b"))), events.toString());

    assertEquals(List.of(entry("a.tar", "a"), entry("c.tar", "c")), cache.clear().stream().sorted().toList());
    assertFalse(store.exists(entry("a.tar", "a")));
    assertTrue(store.exists("a") && store.exists("b") && store.exists("c"), "images made from the cache stay");
  }
}
