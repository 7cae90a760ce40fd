package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.testing.KernelQgroups;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The verbs on btrfs, where tree images are subvolumes and limits are qgroups. */
class BtrfsCommandsTest extends StoreCommandsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Override
  LoopFilesystem filesystem() {
    return BTRFS;
  }

  @Override
  String treeType() {
    return "subvolume";
  }

  @Test
  void setLimitShowsInBytesAndNoneClearsIt() throws Exception {
    makeTree("debian");
    succeed("set-limit", "debian", "1G");
    assertEquals(1L << 30, show("debian").get("limit"));
    succeed("set-limit", "--json", "debian", "1.5M");
    assertEquals(3L << 19, show("debian").get("limit"));
    succeed("set-limit", "debian", "none");
    assertNoLimit(show("debian"));
  }

  @Test
  void setLimitOfAPoolThatIsASubvolume() throws Exception {
    Path parent = pool;
    try (Fd directory = Fd.openDirectory(parent)) {
      Subvolume.create(directory, "pool".getBytes(StandardCharsets.UTF_8));
    }
    pool = parent.resolve("pool");
    makeTree("debian");
    succeed("set-limit", "16M");
    KernelQgroups.assertLimit(16L << 20, pool);
    KernelQgroups.assertWriteRefused(pool.resolve("debian/big"), 64);
    Files.delete(pool.resolve("debian/big"));
    succeed("set-limit", "none");
    KernelQgroups.assertLimit(-1, pool);
  }

  @Test
  void setLimitOfAPoolThatIsAPlainDirectoryIsAClearError() {
    JimgRunner.Result result = jimg("set-limit", "2G");
    assertEquals(2, result.exitCode(), result::toString);
    assertEquals("jimg: cannot limit the pool " + pool + ": it is not a btrfs subvolume\n", result.err());
  }
}
