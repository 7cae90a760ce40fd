package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountsTest {
  @TempDir Path temp;
  Fd dir;

  @BeforeEach
  void open() throws Exception {
    Requirements.requireRoot();
    dir = Fd.openDirectory(temp);
  }

  @AfterEach
  void close() throws Exception {
    if (dir != null) {
      for (String name : List.of("root", "peer", "ro", "target", "file")) {
        while (Mounts.unmount(dir, FileNames.bytes(name))) {
          // one mount a turn
        }
      }
      dir.close();
    }
  }

  private Fd target(String name) throws NativeException {
    return dir.openPath(FileNames.bytes(name));
  }

  @Test
  void overlayShowsLowerAndKeepsWritesInUpper() throws Exception {
    Requirements.requireFilesystem("overlay");
    Path lower = Files.createDirectories(temp.resolve("lower, with: odd\\chars"));
    Files.writeString(lower.resolve("file"), "lower");
    for (String name : List.of("upper", "work", "root")) {
      Files.createDirectory(temp.resolve(name));
    }
    byte[] root = FileNames.bytes("root");
    assertFalse(Mounts.isMountPoint(dir, root));

    try (Fd lowerFd = Fd.openDirectory(lower); Fd upper = target("upper"); Fd work = target("work");
        Fd target = target("root")) {
      Mounts.overlay(target, List.of(lowerFd), upper, work);
    }
    assertTrue(Mounts.isMountPoint(dir, root));
    assertEquals("lower", Files.readString(temp.resolve("root/file")));
    Files.writeString(temp.resolve("root/file"), "changed");
    assertEquals("lower", Files.readString(lower.resolve("file")));
    assertEquals("changed", Files.readString(temp.resolve("upper/file")));

    assertTrue(Mounts.unmount(dir, root));
    assertFalse(Mounts.isMountPoint(dir, root));
    assertFalse(Mounts.unmount(dir, root));
  }

  @Test
  void readOnlyBindRefusesWrites() throws Exception {
    Path source = Files.createDirectory(temp.resolve("source"));
    Files.createDirectory(temp.resolve("ro"));
    try (Fd sourceFd = Fd.openDirectory(source); Fd target = target("ro")) {
      Mounts.bind(sourceFd, target, ReadOnly.YES).close();
    }
    assertTrue(Mounts.isMountPoint(dir, FileNames.bytes("ro")));
    assertThrows(java.nio.file.FileSystemException.class,
        () -> Files.writeString(temp.resolve("ro/new"), "no"));
    Files.writeString(source.resolve("new"), "yes");
    assertEquals("yes", Files.readString(temp.resolve("ro/new"), StandardCharsets.UTF_8));
  }

  /**
   * On a shared mount, as systemd makes every mount, a bind would join its source's peer group, and one attached
   * there joins the parent's peers' copies: either would pass on what is mounted below it. jimg's is private: a
   * mount below it shows nowhere else.
   */
  @Test
  void aBindIsPrivate() throws Exception {
    Path shared = Files.createDirectory(temp.resolve("root"));
    Commands.run("mount", "--bind", shared.toString(), shared.toString());
    Commands.run("mount", "--make-shared", shared.toString());
    Path peer = Files.createDirectory(temp.resolve("peer"));
    Commands.run("mount", "--bind", shared.toString(), peer.toString());
    Path source = Files.createDirectories(shared.resolve("source/inner"));
    Path other = Files.createDirectory(temp.resolve("other"));
    Files.writeString(other.resolve("file"), "other");
    Files.createDirectory(shared.resolve("target"));
    try (Fd sourceFd = Fd.openDirectory(source.getParent()); Fd sharedFd = Fd.openDirectory(shared);
        Fd target = sharedFd.openPath(FileNames.bytes("target"));
        Fd mount = Mounts.bind(sourceFd, target, ReadOnly.NO);
        Fd inner = mount.openPath(FileNames.bytes("inner")); Fd otherFd = Fd.openDirectory(other)) {
      Mounts.bind(otherFd, inner, ReadOnly.NO).close();
    }
    assertEquals("other", Files.readString(shared.resolve("target/inner/file")));
    assertFalse(Files.exists(source.resolve("file")), "the source's own mount did not get the inner bind");
    assertTrue(Files.isDirectory(peer.resolve("target/inner")), "the bind itself reached the parent's peer");
    assertFalse(Files.exists(peer.resolve("target/inner/file")), "the bind's copy there did not get the inner one");
  }

  /** The target is the descriptor itself: a symlink there is refused, and so is a type the source has not. */
  @Test
  void aBindRefusesASymlinkAndAMismatchedTarget() throws Exception {
    Path source = Files.createDirectory(temp.resolve("source"));
    Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
    Files.createSymbolicLink(temp.resolve("target"), elsewhere);
    Files.writeString(temp.resolve("file"), "file");
    try (Fd sourceFd = Fd.openDirectory(source); Fd symlink = target("target"); Fd file = target("file")) {
      assertTrue(assertThrows(NativeException.class, () -> Mounts.bind(sourceFd, symlink, ReadOnly.NO))
          .is(Linux.ELOOP));
      assertTrue(assertThrows(NativeException.class, () -> Mounts.bind(sourceFd, file, ReadOnly.NO))
          .is(Linux.ENOTDIR));
    }
    try (Fd fileSource = target("file"); Fd directory = target("source")) {
      assertTrue(assertThrows(NativeException.class, () -> Mounts.bind(fileSource, directory, ReadOnly.NO))
          .is(Linux.EISDIR));
    }
    assertFalse(Mounts.isMountPoint(dir, FileNames.bytes("elsewhere")));
  }

  @Test
  void aFileBindsOntoAFile() throws Exception {
    Path source = Files.writeString(temp.resolve("source"), "source");
    Files.writeString(temp.resolve("file"), "covered");
    try (Fd sourceFd = Fd.open(source, Linux.O_PATH); Fd target = target("file")) {
      Mounts.bind(sourceFd, target, ReadOnly.NO).close();
    }
    assertEquals("source", Files.readString(temp.resolve("file")));
  }

  @Test
  void aNameWithASlashIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Mounts.unmount(dir, FileNames.bytes("a/b")));
  }
}
