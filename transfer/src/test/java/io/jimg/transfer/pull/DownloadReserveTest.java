package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.FilesystemSpace;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.ImageStore;
import io.jimg.images.StoreListener;
import io.jimg.transfer.TestStores;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A download is held to the reserve every import keeps: a pull of a file larger than the room a pool's filesystem
 * has above 5% free stops before it crosses it, and leaves no partial download to hold the room.
 */
class DownloadReserveTest {
  @RegisterExtension static final LoopFilesystem POOL_FS = LoopFilesystem.ext4().size(256L << 20);
  /** A sparse file here reads as zeros and takes no memory. */
  @RegisterExtension static final LoopFilesystem MIRROR_FS = LoopFilesystem.tmpfs().size(16L << 20);

  @Test
  void aPullLargerThanThePoolsRoomStopsAtTheReserveAndLeavesNothing() throws IOException {
    Path image = MIRROR_FS.root().resolve("big.raw");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(300L << 20);
    }
    Path pool = Files.createDirectory(POOL_FS.root().resolve("pool"));
    ImageStore store = TestStores.on(pool).build();
    ImageStorePullStore pullStore = new ImageStorePullStore(store, new StoreUnpacker(store, -1, StoreListener.NONE));
    Puller puller = new Puller(pullStore, new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())),
        POOL_FS.root().resolve("none"), POOL_FS.root().resolve("pull-locks"), Clock.systemUTC(), StoreListener.NONE);

    IOException e = assertThrows(IOException.class,
        () -> puller.pull(image.toUri(), "big", PullOptions.builder().verify("no").build()));
    assertTrue(e.getMessage().contains("download of " + image.toUri() + " stopped: the filesystem of " + pool
        + " would fall below 5% free"), e.getMessage());
    try (Stream<Path> left = Files.list(pool)) {
      assertEquals(List.of(), left.toList(), "no image, no partial download, no temporary");
    }
    try (Fd root = Fd.openDirectory(POOL_FS.root())) {
      root.syncfs();
      FilesystemSpace space = FilesystemSpace.of(root);
      assertTrue(space.availableBytes() > space.totalBytes() / 2, "the room is given back: " + space.availableBytes());
    }
  }
}
