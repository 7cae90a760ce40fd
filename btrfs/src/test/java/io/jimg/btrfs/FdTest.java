package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.O_CREAT;
import static io.jimg.btrfs.Linux.O_PATH;
import static io.jimg.btrfs.Linux.O_RDONLY;
import static io.jimg.btrfs.Linux.O_RDWR;
import static io.jimg.btrfs.Linux.O_TMPFILE;
import static io.jimg.btrfs.Linux.O_WRONLY;
import static io.jimg.btrfs.NativeTesting.assertErrno;
import static io.jimg.btrfs.NativeTesting.bytes;
import static io.jimg.btrfs.NativeTesting.read;
import static io.jimg.btrfs.NativeTesting.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fd's operations on names, owners, modes, times and statx, against a real btrfs. */
class FdTest extends InFreshDirectory {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Override
  Path filesystemRoot() {
    return BTRFS.root();
  }

  private String shell(String format, String name) {
    return Commands.run("stat", "-c", format, path.resolve(name).toString()).trim();
  }

  // ---- creating and removing names ----

  @Test
  void dataRegionsLeaveHolesOutAndStopAtTheSizeAsked() throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(path.resolve("sparse").toFile(), "rw")) {
      file.write(new byte[4096]);
      file.seek(1 << 20);
      file.write(new byte[8192]);
      file.setLength(4 << 20);
    }
    try (Fd sparse = dir.open("sparse", Linux.O_RDONLY)) {
      assertArrayEquals(new long[] {0, 4096, 1 << 20, 8192}, sparse.dataRegions(4 << 20));
      assertArrayEquals(new long[] {0, 4096, 1 << 20, 4096}, sparse.dataRegions((1 << 20) + 4096));
      assertArrayEquals(new long[] {0, 4096}, sparse.dataRegions(4096));
    }
  }

  @Test
  void mkdirMakesADirectoryAndRefusesAnExistingName() throws NativeException {
    dir.mkdir("sub", 0750);
    Stat stat = dir.stat("sub");
    assertTrue(stat.isDirectory());
    assertEquals(0750, stat.permissions());
    NativeException e = assertErrno(Linux.EEXIST, () -> dir.mkdir("sub", 0750));
    assertEquals("mkdirat " + path + "/sub: EEXIST (file exists)", e.getMessage());
  }

  @Test
  void mknodMakesCharacterAndBlockDevicesAndFifos() throws NativeException {
    dir.mknod(bytes("null"), Linux.S_IFCHR | 0666, Linux.makedev(1, 3));
    dir.mknod(bytes("disk"), Linux.S_IFBLK | 0660, Linux.makedev(259, 70000)); // a minor above 255 and 65535
    dir.mknod(bytes("fifo"), Linux.S_IFIFO | 0640, 0);

    Stat chr = dir.stat("null");
    assertEquals(Linux.S_IFCHR, chr.type());
    assertEquals(1, chr.rdevMajor());
    assertEquals(3, chr.rdevMinor());
    assertEquals("1:3", shell("%Hr:%Lr", "null"));

    Stat blk = dir.stat("disk");
    assertEquals(Linux.S_IFBLK, blk.type());
    assertEquals(259, blk.rdevMajor());
    assertEquals(70000, blk.rdevMinor());
    assertEquals(Linux.makedev(259, 70000), blk.rdev());
    assertEquals("259:70000", shell("%Hr:%Lr", "disk"));

    assertEquals(Linux.S_IFIFO, dir.stat("fifo").type());
    assertEquals("fifo", shell("%F", "fifo"));
  }

  @Test
  void symlinkTargetsOfAnyLengthAndBytesReadBack() throws NativeException {
    byte[] invalidUtf8 = bytes('.', '.', '/', 0xff, 0xfe, '/', 'x');
    dir.symlink(invalidUtf8, bytes("odd"));
    assertArrayEquals(invalidUtf8, dir.readlink(bytes("odd")));

    byte[] longTarget = new byte[3000]; // longer than readlink's first buffer
    Arrays.fill(longTarget, (byte) 'a');
    for (int i = 200; i < longTarget.length; i += 200) {
      longTarget[i] = '/';
    }
    dir.symlink(longTarget, bytes("long"));
    assertArrayEquals(longTarget, dir.readlink(bytes("long")));
    assertTrue(dir.stat("long").isSymlink());
    assertEquals(3000, dir.stat("long").size());

    assertErrno(Linux.EINVAL, () -> dir.readlink(bytes("."))); // not a symlink
  }

  @Test
  void linkMakesAHardLinkAndNeverFollowsASymlink() throws NativeException {
    write(dir, "file", "content");
    dir.link(bytes("file"), dir, bytes("again"));
    assertEquals(dir.stat("file").inode(), dir.stat("again").inode());
    assertEquals(2, dir.stat("file").nlink());

    dir.symlink(bytes("file"), bytes("sym"));
    dir.link(bytes("sym"), dir, bytes("sym2"));
    assertTrue(dir.stat("sym2").isSymlink());
    assertEquals(2, dir.stat("file").nlink());
    assertErrno(Linux.EEXIST, () -> dir.link(bytes("file"), dir, bytes("again")));
  }

  @Test
  void linkIntoNamesAnAnonymousTmpfile() throws NativeException {
    try (Fd tmp = dir.open(bytes("."), O_TMPFILE | O_RDWR, 0640)) {
      tmp.pwriteFully(bytes("not there yet"), 13, 0);
      assertTrue(dir.list().isEmpty(), "an O_TMPFILE has no name");
      tmp.linkInto(dir, bytes("published"));
      assertEquals(tmp.stat().inode(), dir.stat("published").inode());
    }
    assertEquals("not there yet", read(dir, "published"));
    assertEquals(0640, dir.stat("published").permissions());
  }

  @Test
  void renameNoreplaceRefusesAnExistingNameAndChangesNothing() throws NativeException {
    write(dir, "a", "A");
    write(dir, "b", "B");
    NativeException e = assertErrno(Linux.EEXIST, () -> dir.rename("a", dir, "b", Linux.RENAME_NOREPLACE));
    assertEquals("renameat2 " + path + "/a -> " + path + "/b: EEXIST (file exists)", e.getMessage());
    assertEquals("A", read(dir, "a"));
    assertEquals("B", read(dir, "b"));

    dir.rename("a", dir, "c", Linux.RENAME_NOREPLACE);
    assertNull(dir.statIfExists("a"));
    assertEquals("A", read(dir, "c"));

    dir.rename("c", dir, "b", 0); // a plain rename replaces
    assertEquals("A", read(dir, "b"));
  }

  @Test
  void renameExchangeSwapsTwoNamesEvenOfDifferentTypes() throws NativeException {
    write(dir, "file", "F");
    dir.mkdir("directory", 0700);
    long fileInode = dir.stat("file").inode();
    long directoryInode = dir.stat("directory").inode();
    dir.rename("file", dir, "directory", Linux.RENAME_EXCHANGE);
    assertEquals(fileInode, dir.stat("directory").inode());
    assertEquals(directoryInode, dir.stat("file").inode());
    assertTrue(dir.stat("file").isDirectory());
    assertEquals("F", read(dir, "directory"));
    assertErrno(Linux.ENOENT, () -> dir.rename("file", dir, "missing", Linux.RENAME_EXCHANGE));
  }

  @Test
  void renameAcrossDirectories() throws NativeException {
    dir.mkdir("from", 0755);
    dir.mkdir("to", 0755);
    try (Fd from = dir.openDirectory("from"); Fd to = dir.openDirectory("to")) {
      write(from, "x", "moved");
      from.rename("x", to, "y", Linux.RENAME_NOREPLACE);
      assertTrue(from.list().isEmpty());
      assertEquals("moved", read(to, "y"));
    }
  }

  @Test
  void unlinkAndRmdirRemoveOnlyWhatTheyMayRemove() throws NativeException {
    write(dir, "file", "x");
    dir.mkdir("empty", 0755);
    dir.mkdir("full", 0755);
    try (Fd full = dir.openDirectory("full")) {
      write(full, "inside", "x");
    }
    assertErrno(Linux.EISDIR, () -> dir.unlink("empty"));
    assertErrno(Linux.ENOTDIR, () -> dir.rmdir(bytes("file")));
    assertErrno(Linux.ENOTEMPTY, () -> dir.rmdir(bytes("full")));
    dir.unlink("file");
    dir.rmdir(bytes("empty"));
    assertNull(dir.statIfExists("file"));
    assertNull(dir.statIfExists("empty"));
    assertNotNull(dir.statIfExists("full"));
    assertErrno(Linux.ENOENT, () -> dir.unlink("file"));
  }

  // ---- owners, modes, times ----

  @Test
  void chownOfASymlinkChangesTheLinkNotItsTarget() throws NativeException {
    write(dir, "target", "t");
    dir.symlink(bytes("target"), bytes("sym"));
    dir.chown(bytes("sym"), 100000, 200000);
    assertEquals(100000, dir.stat("sym").uid());
    assertEquals(200000, dir.stat("sym").gid());
    assertEquals("100000:200000", shell("%u:%g", "sym"));
    assertEquals(0, dir.stat("target").uid());

    try (Fd handle = dir.openPath(bytes("target"))) {
      handle.chown(4_000_000, 65536); // through an O_PATH descriptor
    }
    assertEquals("4000000:65536", shell("%u:%g", "target"));

    try (Fd link = dir.openPath(bytes("sym"))) {
      link.chown(70000, 70001); // an O_PATH descriptor of a symlink is the symlink
    }
    assertEquals("70000:70001", shell("%u:%g", "sym"));
    assertEquals("4000000:65536", shell("%u:%g", "target"));
  }

  @Test
  void chmodKeepsSetuidSetgidAndSticky() throws NativeException {
    write(dir, "program", "#!");
    dir.chmod(bytes("program"), 06755);
    assertEquals(06755, dir.stat("program").permissions());
    assertEquals("6755", shell("%a", "program"));

    dir.mkdir("shared", 0755);
    dir.chmod(bytes("shared"), 01777);
    assertEquals(01777, dir.stat("shared").permissions());

    try (Fd open = dir.open("program", O_RDONLY)) { // fchmod proper, not the O_PATH detour
      open.chmod(04711);
    }
    assertEquals(04711, dir.stat("program").permissions());
  }

  @Test
  void chmodThroughASymlinkNameNeverReachesItsTarget() throws NativeException {
    write(dir, "target", "t");
    dir.chmod(bytes("target"), 0600);
    dir.symlink(bytes("target"), bytes("sym"));
    try {
      dir.chmod(bytes("sym"), 0777);
    } catch (NativeException e) {
      // Linux refuses to chmod a symlink (EOPNOTSUPP); either way the target must keep its mode.
    }
    assertEquals(0600, dir.stat("target").permissions());
  }

  @Test
  void setTimesToTheNanosecondOnFilesAndSymlinks() throws NativeException {
    Instant accessed = Instant.ofEpochSecond(1_000_000_000L, 123_456_789);
    Instant modified = Instant.ofEpochSecond(1_234_567_890L, 987_654_321);
    Instant beforeEpoch = Instant.ofEpochSecond(-86_400L, 1);
    write(dir, "file", "x");
    dir.symlink(bytes("file"), bytes("sym"));

    dir.setTimes(bytes("file"), accessed, modified);
    assertEquals(accessed, dir.stat("file").accessed());
    assertEquals(modified, dir.stat("file").modified());
    assertEquals("2009-02-13 23:31:30.987654321 +0000", Commands.run(
        "env", "TZ=UTC", "stat", "-c", "%y", path.resolve("file").toString()).trim());

    dir.setTimes(bytes("sym"), beforeEpoch, accessed);
    assertEquals(beforeEpoch, dir.stat("sym").accessed());
    assertEquals(accessed, dir.stat("sym").modified());
    assertEquals(modified, dir.stat("file").modified(), "the target's times must not change");

    try (Fd link = dir.openPath(bytes("sym"))) {
      link.setTimes(modified, modified);
    }
    assertEquals(modified, dir.stat("sym").accessed());
    assertEquals(modified, dir.stat("sym").modified());
    assertEquals(accessed, dir.stat("file").accessed());
  }

  // ---- statx ----

  @Test
  void statReportsWhatTheKernelKnows() throws Exception {
    byte[] content = new byte[12345];
    write(dir, bytes("file"), content);
    dir.link(bytes("file"), dir, bytes("second"));
    dir.chown(bytes("file"), 1234, 5678);
    dir.chmod(bytes("file"), 0640);
    Stat stat = dir.stat("file");

    assertEquals(12345, stat.size());
    assertEquals(2, stat.nlink());
    assertEquals(1234, stat.uid());
    assertEquals(5678, stat.gid());
    assertEquals(Linux.S_IFREG | 0640, stat.mode());
    assertTrue(stat.isRegular());
    assertEquals(Long.parseLong(shell("%i", "file")), stat.inode());
    assertEquals(Long.parseLong(shell("%b", "file")), stat.blocks());
    assertEquals(Long.parseLong(shell("%d", "file")), stat.device());
    assertEquals(Long.parseLong(shell("%W", "file")), stat.born().getEpochSecond());
    assertEquals(Long.parseLong(shell("%Z", "file")), stat.changed().getEpochSecond());
    assertEquals(mountId(BTRFS.root()), stat.mountId());

    try (Fd file = dir.open("file", O_RDONLY); Fd handle = dir.openPath(bytes("second"))) {
      assertEquals(stat.inode(), file.stat().inode());
      assertEquals(stat.inode(), handle.stat().inode());
    }
    assertEquals(dir.stat().inode(), Long.parseLong(Commands.run("stat", "-c", "%i", path.toString()).trim()));
    assertEquals(256, dir.stat("..").inode(), "the top directory of a btrfs is inode 256");
    assertTrue(Btrfs.isBtrfs(dir));
    assertNotEquals(0, FilesystemSpace.of(dir).totalBytes());
  }

  @Test
  void openCreatesWithTheModeAskedForAndNeverThroughASymlink() throws NativeException {
    try (Fd created = dir.open(bytes("new"), O_CREAT | O_WRONLY, 0600)) {
      assertEquals(0600, created.stat().permissions());
    }
    dir.symlink(bytes("new"), bytes("sym"));
    assertErrno(Linux.ELOOP, () -> dir.open("sym", O_RDONLY));
    try (Fd link = dir.open(bytes("sym"), O_PATH, 0)) {
      assertTrue(link.stat().isSymlink());
    }
  }

  /** The mount id of a mount point, from this process's mount table. */
  static long mountId(Path mountPoint) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      if (fields[4].equals(mountPoint.toString())) {
        return Long.parseLong(fields[0]);
      }
    }
    throw new AssertionError(mountPoint + " is not mounted");
  }
}
