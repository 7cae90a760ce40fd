package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.FakeClock;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UsageAndScratchTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  @Test
  void usageIsCachedForAWhileAndSaysWhenItWasMeasured() throws IOException {
    Pools pools = new Pools(TMPFS.root());
    FakeClock clock = new FakeClock();
    ImageStore store = pools.builder().clock(clock).build();
    store.createRaw("disk", CreateOptions.DEFAULT, Pools.raw("x".repeat(4096)));
    Usage first = store.show("disk").usage();
    assertEquals(clock.instant(), first.measuredAt());
    assertTrue(first.exact());
    Files.write(pools.pool.resolve("disk.raw"), new byte[1 << 20], StandardOpenOption.APPEND);
    clock.advance(Duration.ofSeconds(10));
    assertEquals(first, store.show("disk").usage(), "still fresh: from the cache");
    clock.advance(UsageCache.FRESH_FOR);
    Usage second = store.show("disk").usage();
    assertEquals(clock.instant(), second.measuredAt());
    assertTrue(second.bytes() >= first.bytes() + (1 << 20), second.toString());
  }

  @Test
  void aDirectorysUsageIsUnknownRatherThanAWalk() throws IOException {
    Pools pools = new Pools(TMPFS.root());
    Usage usage = pools.store.createTree("tree", CreateOptions.DEFAULT, Pools.tree("t")).usage();
    assertEquals(Usage.UNKNOWN, usage.bytes());
    assertFalse(usage.exact());
  }

  @Test
  void aScratchNameIsHiddenLockedAndGoneWhenClosedMountedOrNot() throws IOException {
    Pools pools = new Pools(TMPFS.root());
    ImageStore store = pools.store;
    Path path;
    try (Scratch scratch = store.scratch()) {
      path = scratch.path();
      assertTrue(path.getFileName().toString().startsWith(".#jimg-"), path.toString());
      assertEquals(pools.pool, path.getParent());
      Descriptors.pool(scratch).mkdir(scratch.name(), 0755);
      Files.writeString(path.resolve("file"), "x");
      assertEquals(List.of(), store.list(true), "a scratch root is no image");
      assertTrue(Files.exists(path.resolve("file")), "a sweep leaves live scratch roots alone");
      io.jimg.btrfs.testing.Commands.run("mount", "-t", "tmpfs", "jimg-test", path.toString());
    }
    assertFalse(Files.exists(path));
    assertEquals(List.of(), pools.names());
  }
  @Test
  void listingAndCleaningSweepDownloadsLeftUnusedForADay() throws IOException {
    Pools pools = new Pools(TMPFS.root());
    FakeClock clock = new FakeClock();
    ImageStore store = pools.builder().clock(clock).build();
    String download = ".#jimg-download-raw0123456789abcdef";
    Files.createDirectories(pools.pool);
    for (String name : List.of(download, download + ".etag")) {
      Files.writeString(pools.pool.resolve(name), "partial");
      Files.setLastModifiedTime(pools.pool.resolve(name), FileTime.from(clock.instant()));
    }
    clock.advance(Duration.ofHours(1));
    store.clean(false);
    assertEquals(List.of(download, download + ".etag"), pools.names(), "kept for a pull to resume");
    clock.advance(Sweeper.ABANDONED_AFTER);
    store.list(true);
    assertEquals(List.of(), pools.names());
  }
}
