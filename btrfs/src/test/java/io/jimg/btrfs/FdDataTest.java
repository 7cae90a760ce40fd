package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.O_CREAT;
import static io.jimg.btrfs.Linux.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fd's data calls: positioned I/O, holes, punching, and what statfs tells about the filesystem. */
class FdDataTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs().size(256L << 20);

  private static final int MIB = 1 << 20;

  @Test
  void holesAreFoundAndPunchedAndReadAsZeros() throws Exception {
    Path directory = BTRFS.newDirectory("holes-");
    try (Fd dir = Fd.openDirectory(directory); Fd file = dir.open(NativeTesting.bytes("sparse"), O_CREAT | O_RDWR, 0644)) {
      file.truncate(16L * MIB);
      byte[] data = new byte[MIB];
      Arrays.fill(data, (byte) 7);
      file.pwriteFully(data, data.length, 4L * MIB);
      file.pwriteFully(data, data.length, 8L * MIB);
      file.fsync();

      assertEquals(4L * MIB, file.seek(0, Linux.SEEK_DATA));
      assertEquals(5L * MIB, file.seek(4L * MIB, Linux.SEEK_HOLE));
      assertEquals(8L * MIB, file.seek(5L * MIB, Linux.SEEK_DATA));
      assertEquals(-1, file.seek(9L * MIB, Linux.SEEK_DATA), "no data after the last extent");
      assertEquals(16L * MIB, file.stat().size());

      long before = file.stat().blocks();
      file.punchHole(8L * MIB, MIB);
      file.fsync();
      assertEquals(before - MIB / 512, file.stat().blocks());
      assertEquals(16L * MIB, file.stat().size(), "punching keeps the size");
      byte[] read = new byte[MIB];
      assertEquals(MIB, file.pread(read, MIB, 8L * MIB));
      assertArrayEquals(new byte[MIB], read);
      assertEquals(MIB, file.pread(read, MIB, 4L * MIB));
      assertArrayEquals(data, read);
      assertEquals(0, file.pread(read, MIB, 16L * MIB), "end of file");
    }
    String blocks = Commands.run("stat", "-c", "%b", directory.resolve("sparse").toString()).trim();
    assertEquals(String.valueOf(MIB / 512), blocks, "one MiB of data left");
  }

  @Test
  void statfsKnowsBtrfsAndItsSize() throws Exception {
    try (Fd root = Fd.openDirectory(BTRFS.root())) {
      assertEquals(Btrfs.MAGIC, root.filesystemType());
      assertTrue(Btrfs.isBtrfs(root));
      assertTrue(Btrfs.isSubvolume(root), "the top of a btrfs is the top subvolume");
      FilesystemSpace space = FilesystemSpace.of(root);
      assertTrue(space.totalBytes() > 200L * MIB && space.totalBytes() <= 256L * MIB, "total " + space.totalBytes());
      assertTrue(space.availableBytes() > 0 && space.availableBytes() < space.totalBytes());
      assertFalse(space.countsInodes(), "btrfs makes inodes as it needs them");
      root.syncfs();
    }
    try (Fd proc = Fd.openDirectory(Path.of("/proc"))) {
      assertEquals(0x9fa0L, proc.filesystemType());
      assertFalse(Btrfs.isBtrfs(proc));
    }
  }
}
