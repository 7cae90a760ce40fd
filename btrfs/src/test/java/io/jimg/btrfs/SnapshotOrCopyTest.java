package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.SnapshotOrCopy.Made;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one snapshot-or-copy rule: a snapshot only of a subvolume into the same btrfs, else a faithful copy. */
class SnapshotOrCopyTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem OTHER_BTRFS = LoopFilesystem.btrfs().size(256L << 20);
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(64L << 20);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private static Path source(boolean subvolume) throws IOException {
    String name = "source-" + COUNTER.incrementAndGet();
    try (Fd root = Fd.openDirectory(BTRFS.root())) {
      if (subvolume) {
        Subvolume.create(root, FileNames.bytes(name));
      } else {
        root.mkdir(FileNames.bytes(name), 0755);
      }
    }
    Path source = BTRFS.root().resolve(name);
    Files.writeString(source.resolve("marker"), name);
    return source;
  }

  private static Made make(Path source, Path targetParent, String name, ReadOnly readOnly) throws IOException {
    try (Fd from = Fd.openDirectory(source); Fd to = Fd.openDirectory(targetParent)) {
      return SnapshotOrCopy.make(from, to, FileNames.bytes(name), readOnly, CopyProgress.NONE, CopyCheckpoint.NONE);
    }
  }

  private static boolean isReadOnlySubvolume(Path path) throws IOException {
    try (Fd fd = Fd.openDirectory(path)) {
      return Btrfs.isSubvolume(fd) && Subvolume.isReadOnly(fd);
    }
  }

  @Test
  void aSubvolumeOnTheSameBtrfsIsSnapshotted() throws IOException {
    Path source = source(true);
    assertEquals(Made.SNAPSHOT, make(source, BTRFS.root(), "snap", ReadOnly.YES));
    assertTrue(isReadOnlySubvolume(BTRFS.root().resolve("snap")));
    assertEquals(Files.readString(source.resolve("marker")), Files.readString(BTRFS.root().resolve("snap/marker")));
  }

  @Test
  void aPlainDirectoryOnBtrfsIsCopiedIntoASubvolumeNeverSnapshotted() throws IOException {
    Path source = source(false);
    try (Fd from = Fd.openDirectory(source); Fd to = Fd.openDirectory(BTRFS.root())) {
      assertFalse(SnapshotOrCopy.snapshot(from, to, FileNames.bytes("not-made"), ReadOnly.NO));
    }
    assertFalse(Files.exists(BTRFS.root().resolve("not-made")));
    assertEquals(Made.SUBVOLUME_COPY, make(source, BTRFS.root(), "copied", ReadOnly.YES));
    assertTrue(isReadOnlySubvolume(BTRFS.root().resolve("copied")));
  }

  @Test
  void aSubvolumeOnAnotherBtrfsFallsBackToACopyOnEXDEV() throws IOException {
    Path source = source(true);
    assertEquals(Made.SUBVOLUME_COPY, make(source, OTHER_BTRFS.root(), "elsewhere", ReadOnly.NO));
    assertTrue(Files.isRegularFile(OTHER_BTRFS.root().resolve("elsewhere/marker")));
  }

  @Test
  void offBtrfsTheCopyIsAPlainDirectoryLeftWritableForItsCallerToMakeImmutable() throws IOException {
    Path source = source(true);
    assertEquals(Made.DIRECTORY_COPY, make(source, EXT4.root(), "plain", ReadOnly.YES));
    assertEquals(Files.readString(source.resolve("marker")), Files.readString(EXT4.root().resolve("plain/marker")));
    Files.writeString(EXT4.root().resolve("plain/still-writable"), "x");
  }
}
