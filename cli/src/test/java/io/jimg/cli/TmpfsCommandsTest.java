package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The verbs off btrfs, where tree images are plain directories and copies are made file by file. */
class TmpfsCommandsTest extends StoreCommandsTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs().size(256L << 20);

  @Override
  LoopFilesystem filesystem() {
    return TMPFS;
  }

  @Override
  String treeType() {
    return "directory";
  }

  @Test
  void setLimitOnADirectoryIsAClearError() throws Exception {
    makeTree("debian");
    JimgRunner.Result result = jimg("set-limit", "debian", "1G");
    assertNotEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("jimg: ") && result.err().contains("debian"), result::toString);
    assertEquals(1, result.err().lines().count(), result::toString);
    assertNoLimit(show("debian"));
  }
}
