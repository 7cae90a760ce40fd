package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TreesTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(64L << 20);
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private static final byte[] TREE = FileNames.bytes("tree");

  @BeforeAll
  static void tools() {
    for (String tool : List.of("chattr", "lsattr", "btrfs", "perl", "mkfifo")) {
      Requirements.requireTool(tool);
    }
  }

  @Test
  void removesImmutableAndAppendOnlyFilesAndDirectories() throws IOException {
    Path work = EXT4.newDirectory("flags-");
    Path tree = work.resolve("tree");
    shell(work, "mkdir -p tree/locked/inner tree/append && echo x > tree/locked/inner/file"
        + " && echo y > tree/frozen && echo z > tree/append/log && mkfifo tree/locked/fifo"
        + " && chattr +i tree/locked/inner/file && chattr +i tree/locked/inner && chattr +i tree/locked"
        + " && chattr +a tree/append/log && chattr +a tree/append && chattr +i tree/frozen && chattr +i tree");
    assertTrue(shell(work, "lsattr -d tree/locked").startsWith("----i"), "the fixture is immutable");

    try (Fd directory = Fd.openDirectory(work)) {
      Trees.remove(directory, TREE);
    }

    assertFalse(Files.exists(tree, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void leavesTheParentsFlagsAlone() throws IOException {
    // An immutable parent is the caller's to unlock: the removal fails rather than change it.
    Path work = EXT4.newDirectory("parent-");
    shell(work, "mkdir tree && echo x > tree/file && chattr +i .");
    try (Fd directory = Fd.openDirectory(work)) {
      NativeException e = assertThrows(NativeException.class, () -> Trees.remove(directory, TREE));
      assertEquals("EPERM", e.errnoName());
      assertTrue(e.getMessage().contains("tree"), e.getMessage());
    } finally {
      shell(work, "chattr -i .");
    }
    assertTrue(shell(work, "lsattr -d .").startsWith("----"), "the parent's flags were not touched");
  }

  @Test
  void removesSymlinksWithoutFollowingThem() throws IOException {
    Path work = EXT4.newDirectory("links-");
    Path outside = Files.createDirectory(work.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep");
    shell(work, "mkdir -p tree/sub && ln -s \"$PWD/outside\" tree/sub/to-outside && ln -s ../../outside tree/relative"
        + " && ln -s \"$PWD/outside\" top-link");

    try (Fd directory = Fd.openDirectory(work)) {
      Trees.remove(directory, TREE);
      Trees.remove(directory, FileNames.bytes("top-link"));
    }

    assertFalse(Files.exists(work.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(work.resolve("top-link"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("keep", Files.readString(outside.resolve("precious")));
  }

  @Test
  void removesFilesFifosAndDanglingSymlinksByName() throws IOException {
    Path work = EXT4.newDirectory("single-");
    shell(work, "echo x > file && mkfifo fifo && ln -s nowhere dangling && echo y > frozen && chattr +i frozen");
    try (Fd directory = Fd.openDirectory(work)) {
      for (String name : new String[] {"file", "fifo", "dangling", "frozen"}) {
        Trees.remove(directory, FileNames.bytes(name));
      }
      NativeException e = assertThrows(NativeException.class, () -> Trees.remove(directory, TREE));
      assertEquals("ENOENT", e.errnoName());
    }
    assertEquals("", shell(work, "ls -A"));
  }

  @Test
  void refusesToCrossIntoAMount() throws IOException {
    Path work = EXT4.newDirectory("mount-");
    Path mountPoint = Files.createDirectories(work.resolve("tree/a/mnt"));
    Commands.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.toString());
    try {
      Files.writeString(mountPoint.resolve("theirs"), "not ours");
      try (Fd directory = Fd.openDirectory(work); Fd a = Fd.openDirectory(work.resolve("tree/a"))) {
        NativeException e = assertThrows(NativeException.class, () -> Trees.remove(directory, TREE));
        assertEquals("EBUSY", e.errnoName());
        assertTrue(e.getMessage().contains("tree/a/mnt"), e.getMessage());
        NativeException top = assertThrows(NativeException.class, () -> Trees.remove(a, FileNames.bytes("mnt")));
        assertEquals("EBUSY", top.errnoName());
      }
      assertEquals("not ours", Files.readString(mountPoint.resolve("theirs")));
    } finally {
      Commands.run("umount", mountPoint.toString());
    }
    try (Fd directory = Fd.openDirectory(work)) {
      Trees.remove(directory, TREE);
    }
    assertFalse(Files.exists(work.resolve("tree")));
  }

  @Test
  void refusesToRemoveAFileMountedOverAFile() throws IOException {
    Path work = EXT4.newDirectory("bound-");
    Path secret = Files.writeString(work.resolve("secret"), "theirs");
    Path bound = Files.writeString(Files.createDirectories(work.resolve("tree/sub")).resolve("bound"), "");
    Commands.run("mount", "--bind", secret.toString(), bound.toString());
    try (Fd directory = Fd.openDirectory(work)) {
      NativeException e = assertThrows(NativeException.class, () -> Trees.remove(directory, TREE));
      assertEquals("EBUSY", e.errnoName());
      assertTrue(e.getMessage().contains("tree/sub/bound"), e.getMessage());
    } finally {
      Commands.run("umount", bound.toString());
    }
    assertEquals("theirs", Files.readString(secret));
  }

  @Test
  void removesADeepTreeWithFewDescriptors() throws IOException {
    Path work = EXT4.newDirectory("deep-");
    SourceTrees.buildDeep(Files.createDirectory(work.resolve("tree")), 120);
    try (Fd directory = Fd.openDirectory(work)) {
      Trees.remove(directory, TREE, 1);
    }
    assertEquals("", shell(work, "ls -A"));
  }

  @Test
  void deletesSubvolumesInsideATreeAndASubvolumeItself() throws IOException {
    Path work = BTRFS.newDirectory("subvolumes-");
    shell(work, "mkdir -p tree/dir && btrfs -q subvolume create tree/dir/sub && echo x > tree/dir/sub/file"
        + " && btrfs -q subvolume create tree/dir/sub/nested && btrfs -q subvolume snapshot -r tree/dir/sub tree/ro"
        + " && chattr +i tree/dir && btrfs -q subvolume create top && echo y > top/file");
    try (Fd directory = Fd.openDirectory(work)) {
      Trees.remove(directory, TREE);
      Trees.remove(directory, FileNames.bytes("top"));
    }
    assertEquals("", shell(work, "ls -A"));
    String left = Commands.run("btrfs", "subvolume", "list", BTRFS.root().toString());
    assertFalse(left.contains(work.getFileName().toString()), left);
  }

  private static String shell(Path directory, String script) {
    return Commands.run("bash", "-c", "set -e; cd \"$1\"; " + script, "bash", directory.toString());
  }
}
