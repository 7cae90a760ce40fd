package io.jimg.btrfs;

import static io.jimg.btrfs.Linux.O_CREAT;
import static io.jimg.btrfs.Linux.O_DIRECTORY;
import static io.jimg.btrfs.Linux.O_EXCL;
import static io.jimg.btrfs.Linux.O_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_PATH;
import static io.jimg.btrfs.Linux.O_RDONLY;
import static io.jimg.btrfs.Linux.O_WRONLY;
import static io.jimg.btrfs.Linux.RESOLVE_BENEATH;
import static io.jimg.btrfs.Linux.RESOLVE_IN_ROOT;
import static io.jimg.btrfs.Linux.RESOLVE_NO_SYMLINKS;
import static io.jimg.btrfs.Linux.RESOLVE_NO_XDEV;
import static io.jimg.btrfs.NativeTesting.assertErrno;
import static io.jimg.btrfs.NativeTesting.bytes;
import static io.jimg.btrfs.NativeTesting.read;
import static io.jimg.btrfs.NativeTesting.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Confined resolution, each case twice: through the kernel's openat2 and through the component walk that stands
 * in for it on older kernels ({@code walk = true}). Both must agree, and neither may ever leave the root.
 */
class ResolverTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  private static Path root;
  private static Path bare;
  private static long passwdInode;

  @BeforeAll
  static void buildTree() throws Exception {
    root = TMPFS.root().resolve("root");
    bare = TMPFS.root().resolve("bare");
    try (Fd top = Fd.openDirectory(TMPFS.root())) {
      top.mkdir("root", 0755);
      top.mkdir("bare", 0755);
      try (Fd r = top.openDirectory("root"); Fd b = top.openDirectory("bare")) {
        r.mkdir("etc", 0755);
        try (Fd etc = r.openDirectory("etc")) {
          write(etc, "passwd", "inside");
          passwdInode = etc.stat("passwd").inode();
        }
        r.mkdir("dir", 0755);
        try (Fd dir = r.openDirectory("dir")) {
          write(dir, "file", "file");
          dir.symlink(bytes("../etc/passwd"), bytes("rel"));
          dir.symlink(bytes("../../../../../etc/passwd"), bytes("up"));
        }
        r.symlink(bytes("/etc/passwd"), bytes("abs"));
        r.symlink(bytes("dir"), bytes("link"));
        r.symlink(bytes("/dir"), bytes("absdir"));
        r.symlink(bytes("../.."), bytes("escape"));
        r.symlink(bytes("loop2"), bytes("loop1"));
        r.symlink(bytes("loop1"), bytes("loop2"));
        r.symlink(bytes("self/x"), bytes("self"));
        r.mkdir("inner", 0755);
        b.symlink(bytes("/etc/passwd"), bytes("abs"));
      }
    }
    Commands.run("mount", "-t", "tmpfs", "-o", "size=1m", "inner", root.resolve("inner").toString());
    Files.writeString(root.resolve("inner/file"), "across a mount");
  }

  @AfterAll
  static void unmountInner() {
    Commands.run("umount", root.resolve("inner").toString());
  }

  @AfterEach
  void backToOpenat2() {
    Resolver.forceWalk(false);
  }

  private static Fd resolve(boolean walk, Path in, String path, int flags, long resolve) throws NativeException {
    Resolver.forceWalk(walk);
    try (Fd directory = Fd.openDirectory(in)) {
      return directory.resolve(path, flags, resolve);
    }
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void inRootResolvesSymlinksAndDotDotInsideTheRoot(boolean walk) throws NativeException {
    for (String path : List.of("etc/passwd", "abs", "dir/rel", "dir/up", "../../etc/passwd", "/etc/passwd",
        "dir/../../../etc/passwd", "absdir/rel", "link/up", "./dir/./rel", "escape/etc/passwd", "/../abs")) {
      try (Fd file = resolve(walk, root, path, O_RDONLY, RESOLVE_IN_ROOT)) {
        assertEquals(passwdInode, file.stat().inode(), path);
        assertEquals("inside", read(file), path);
      }
    }
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void inRootNeverFallsBackToTheHostsFiles(boolean walk) {
    NativeException e = assertErrno(Linux.ENOENT, () -> resolve(walk, bare, "abs", O_RDONLY, RESOLVE_IN_ROOT));
    assertTrue(e.getMessage().startsWith("openat2"), e.getMessage());
    assertTrue(e.getMessage().contains(bare + "/abs"), e.getMessage());
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void dotDotAtTheEndGivesTheDirectory(boolean walk) throws NativeException {
    try (Fd directory = resolve(walk, root, "dir/..", O_RDONLY | O_DIRECTORY, RESOLVE_IN_ROOT);
         Fd expected = Fd.openDirectory(root)) {
      assertEquals(expected.stat().inode(), directory.stat().inode());
    }
    try (Fd directory = resolve(walk, root, "..", O_RDONLY | O_DIRECTORY, RESOLVE_IN_ROOT);
         Fd expected = Fd.openDirectory(root)) {
      assertEquals(expected.stat().inode(), directory.stat().inode(), ".. of the root is the root");
    }
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void noSymlinksRefusesASymlinkAnywhereButATrailingOPathNofollowOne(boolean walk) throws NativeException {
    assertErrno(Linux.ELOOP, () -> resolve(walk, root, "link/file", O_RDONLY, RESOLVE_NO_SYMLINKS));
    assertErrno(Linux.ELOOP, () -> resolve(walk, root, "dir/rel", O_RDONLY, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS));
    try (Fd file = resolve(walk, root, "dir/file", O_RDONLY, RESOLVE_NO_SYMLINKS)) {
      assertEquals("file", read(file));
    }
    try (Fd link = resolve(walk, root, "dir/rel", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS)) {
      assertTrue(link.stat().isSymlink());
    }
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void beneathRefusesEveryEscapeWithExdev(boolean walk) throws NativeException {
    for (String path : List.of("../root/etc/passwd", "dir/../../root/etc/passwd", "abs", "/etc/passwd",
        "escape/x", "absdir")) {
      assertErrno(Linux.EXDEV, () -> resolve(walk, root, path, O_RDONLY, RESOLVE_BENEATH));
    }
    for (String path : List.of("dir/rel", "dir/../etc/passwd", "link/rel")) {
      try (Fd file = resolve(walk, root, path, O_RDONLY, RESOLVE_BENEATH)) {
        assertEquals(passwdInode, file.stat().inode(), path);
      }
    }
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void symlinkLoopsEndInEloop(boolean walk) {
    assertErrno(Linux.ELOOP, () -> resolve(walk, root, "loop1", O_RDONLY, RESOLVE_IN_ROOT));
    assertErrno(Linux.ELOOP, () -> resolve(walk, root, "self", O_RDONLY, RESOLVE_IN_ROOT));
    assertErrno(Linux.ELOOP, () -> resolve(walk, root, "loop2/x", O_RDONLY, RESOLVE_BENEATH));
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void noXdevRefusesToCrossAMount(boolean walk) throws NativeException {
    assertErrno(Linux.EXDEV, () -> resolve(walk, root, "inner/file", O_RDONLY, RESOLVE_NO_XDEV));
    assertErrno(Linux.EXDEV, () -> resolve(walk, root, "inner", O_RDONLY | O_DIRECTORY,
        RESOLVE_IN_ROOT | RESOLVE_NO_XDEV));
    try (Fd file = resolve(walk, root, "inner/file", O_RDONLY, RESOLVE_IN_ROOT)) {
      assertEquals("across a mount", read(file));
    }
    try (Fd file = resolve(walk, root, "dir/rel", O_RDONLY, RESOLVE_IN_ROOT | RESOLVE_NO_XDEV)) {
      assertEquals(passwdInode, file.stat().inode());
    }
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void createsWithTheModeAskedForAndOpensDirectoriesWhateverTheMode(boolean walk) throws NativeException {
    String name = "created-" + walk;
    Resolver.forceWalk(walk);
    try (Fd directory = Fd.openDirectory(root)) {
      try (Fd created = directory.resolve(bytes("link/" + name), O_CREAT | O_EXCL | O_WRONLY, 0640, RESOLVE_IN_ROOT)) {
        assertEquals(0640, created.stat().permissions());
      }
      assertEquals(0640, directory.stat(bytes("dir/" + name)).permissions());
      assertErrno(Linux.EEXIST,
          () -> directory.resolve(bytes("dir/" + name), O_CREAT | O_EXCL | O_WRONLY, 0640, RESOLVE_IN_ROOT));
      // O_DIRECTORY shares a bit with O_TMPFILE; a mode passed along with it must not make openat2 refuse.
      try (Fd sub = directory.resolve(bytes("dir"), O_RDONLY | O_DIRECTORY, 0755, RESOLVE_IN_ROOT)) {
        assertTrue(sub.list().stream().anyMatch(e -> e.displayName().equals("file")));
      }
      directory.unlink(bytes("dir/" + name));
    }
  }

  @ParameterizedTest(name = "walk={0}")
  @ValueSource(booleans = {false, true})
  void resolvedDescriptorIsNamedByItsWholePath(boolean walk) throws NativeException {
    try (Fd file = resolve(walk, root, "dir/file", O_RDONLY, RESOLVE_IN_ROOT)) {
      assertEquals(root + "/dir/file", file.path());
    }
  }
}
