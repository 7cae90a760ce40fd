package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    if ("true".equals(System.getenv("CI"))) {
      assertEquals(0, uid(), "mount tests need root under CI");
    }
    assumeTrue(uid() == 0, "mount tests need root");
    dir = Fd.openDirectory(temp);
  }

  @AfterEach
  void close() throws Exception {
    if (dir != null) {
      for (String name : List.of("root", "ro")) {
        Mounts.unmount(dir, FileNames.bytes(name));
      }
      dir.close();
    }
  }

  @Test
  void overlayShowsLowerAndKeepsWritesInUpper() throws Exception {
    Path lower = Files.createDirectories(temp.resolve("lower, with: odd\\chars"));
    Files.writeString(lower.resolve("file"), "lower");
    for (String name : List.of("upper", "work", "root")) {
      Files.createDirectory(temp.resolve(name));
    }
    byte[] root = FileNames.bytes("root");
    assertFalse(Mounts.isMountPoint(dir, root));

    try (Fd lowerFd = Fd.openDirectory(lower)) {
      Mounts.overlay(dir, root, List.of(Mounts.procPath(lowerFd)), temp.resolve("upper").toString(),
          temp.resolve("work").toString());
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
  void overlayLayerPathsWithSeparatorsAreEscaped() throws Exception {
    Path lower = Files.createDirectories(temp.resolve("a,b:c\\d"));
    Files.writeString(lower.resolve("file"), "x");
    for (String name : List.of("upper", "work", "root")) {
      Files.createDirectory(temp.resolve(name));
    }
    Mounts.overlay(dir, FileNames.bytes("root"), List.of(lower.toString()), temp.resolve("upper").toString(),
        temp.resolve("work").toString());
    assertEquals("x", Files.readString(temp.resolve("root/file")));
    assertEquals("a\\,b\\:c\\\\d", Mounts.escapeLayer("a,b:c\\d"));
  }

  @Test
  void readOnlyBindRefusesWrites() throws Exception {
    Path source = Files.createDirectory(temp.resolve("source"));
    Files.createDirectory(temp.resolve("ro"));
    Mounts.bind(source.toString(), dir, FileNames.bytes("ro"), ReadOnly.YES);
    assertTrue(Mounts.isMountPoint(dir, FileNames.bytes("ro")));
    assertThrows(java.nio.file.FileSystemException.class,
        () -> Files.writeString(temp.resolve("ro/new"), "no"));
    Files.writeString(source.resolve("new"), "yes");
    assertEquals("yes", Files.readString(temp.resolve("ro/new"), StandardCharsets.UTF_8));
  }

  @Test
  void aNameWithASlashIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Mounts.unmount(dir, FileNames.bytes("a/b")));
  }

  private static long uid() throws Exception {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
