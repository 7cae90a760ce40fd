package io.jimg.btrfs;

import static io.jimg.btrfs.NativeTesting.assertErrno;
import static io.jimg.btrfs.NativeTesting.bytes;
import static io.jimg.btrfs.NativeTesting.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jimg.btrfs.testing.LoopFilesystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Regular files read in untrusted trees: only regular files are opened for real, and never beyond a bound. */
class RegularFilesTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  private Fd dir;

  @BeforeEach
  void freshDirectory(TestInfo test) throws NativeException {
    dir = NativeTesting.freshDirectory(TMPFS.root(), test.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void closeDirectory() {
    dir.close();
  }

  @Test
  void everyTypeButARegularFileIsRefusedByName() throws NativeException {
    dir.mknod(bytes("null"), Linux.S_IFCHR | 0600, Linux.makedev(1, 3));
    dir.mknod(bytes("fifo"), Linux.S_IFIFO | 0600, 0);
    dir.mkdir("directory", 0755);
    write(dir, "file", "content");
    dir.symlink(bytes("file"), bytes("link"));

    WrongFileType device = assertThrows(WrongFileType.class, () -> RegularFiles.read(dir, bytes("null"), 100));
    assertEquals(dir.pathOf(bytes("null")) + " is a character device, not a regular file", device.getMessage());
    assertEquals(Linux.EBADFD, device.errno());
    assertErrno(Linux.EBADFD, () -> RegularFiles.read(dir, bytes("fifo"), 100));
    assertErrno(Linux.EISDIR, () -> RegularFiles.read(dir, bytes("directory"), 100));
    assertErrno(Linux.ELOOP, () -> RegularFiles.read(dir, bytes("link"), 100));
    assertArrayEquals(bytes("content"), RegularFiles.read(dir, bytes("file"), 100));
  }

  @Test
  void aPathInARootFollowsSymlinksThereAndNoFurther() throws NativeException {
    dir.mkdir("etc", 0755);
    dir.mkdir("usr", 0755);
    try (Fd usr = dir.openDirectory("usr")) {
      write(usr, "os-release", "ID=inside\n");
    }
    try (Fd etc = dir.openDirectory("etc")) {
      etc.symlink(bytes("../usr/os-release"), bytes("os-release"));
      etc.symlink(bytes("/usr/os-release"), bytes("absolute"));
      etc.mknod(bytes("device"), Linux.S_IFCHR | 0600, Linux.makedev(1, 3));
      etc.symlink(bytes("device"), bytes("to-device"));
    }

    assertArrayEquals(bytes("ID=inside\n"), RegularFiles.readInRoot(dir, "etc/os-release", 100));
    assertArrayEquals(bytes("ID=inside\n"), RegularFiles.readInRoot(dir, "etc/absolute", 100));
    assertErrno(Linux.EBADFD, () -> RegularFiles.readInRoot(dir, "etc/to-device", 100));
  }

  @Test
  void aFileOverTheBoundIsRefusedWholeAndOneAtItIsRead() throws NativeException {
    write(dir, "eleven", "12345678901");
    write(dir, "ten", "1234567890");

    assertErrno(Linux.EFBIG, () -> RegularFiles.read(dir, bytes("eleven"), 10));
    assertArrayEquals(bytes("1234567890"), RegularFiles.read(dir, bytes("ten"), 10));
  }

  @Test
  void openOrCreateMakesAMissingFileAndOpensOnlyARegularOne() throws NativeException {
    dir.mknod(bytes("device.lck"), Linux.S_IFCHR | 0600, Linux.makedev(1, 3));

    try (Fd created = RegularFiles.openOrCreate(dir, bytes("new.lck"), Linux.O_RDWR, 0600)) {
      assertEquals(0600, created.stat().permissions());
    }
    try (Fd existing = RegularFiles.openOrCreate(dir, bytes("new.lck"), Linux.O_RDWR, 0600)) {
      assertEquals(Linux.S_IFREG, existing.stat().type());
    }
    assertErrno(Linux.EBADFD, () -> RegularFiles.openOrCreate(dir, bytes("device.lck"), Linux.O_RDWR, 0600));
  }

  @Test
  void theReopenedDescriptorNamesThePathForMessages() throws NativeException {
    write(dir, "file", "x");
    try (Fd file = RegularFiles.open(dir, bytes("file"), Linux.O_RDONLY)) {
      assertEquals(dir.pathOf(bytes("file")), file.path());
    }
  }
}
