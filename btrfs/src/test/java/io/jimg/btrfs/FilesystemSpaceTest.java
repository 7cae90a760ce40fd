package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** fstatfs read as stat -f reads it: bytes for an unprivileged writer, and a fixed inode count on ext4. */
class FilesystemSpaceTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(64L << 20);

  @Test
  void ext4ReportsWhatStatSaysAndCountsItsInodes() throws NativeException {
    try (Fd root = Fd.openDirectory(EXT4.root())) {
      FilesystemSpace space = FilesystemSpace.of(root);
      String[] stat = Commands.run("stat", "-f", "-c", "%S %b %a %c %d", EXT4.root().toString()).trim().split(" ");
      long blockSize = Long.parseLong(stat[0]);
      assertEquals(Long.parseLong(stat[1]) * blockSize, space.totalBytes());
      assertEquals(Long.parseLong(stat[2]) * blockSize, space.availableBytes());
      assertEquals(Long.parseLong(stat[3]), space.totalInodes());
      assertEquals(Long.parseLong(stat[4]), space.freeInodes());
      assertTrue(space.countsInodes());
    }
  }
}
