package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An image root another user could change is refused, named on one line, with exit code 1, and left as it was. */
class ImageRootsOtherUsersCanChangeTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  private static void assertRefused(JimgRunner.Result result, Path pool, String problem) throws IOException {
    assertEquals(1, result.exitCode(), result::toString);
    assertEquals("jimg: refusing to work in " + pool + ": " + problem
        + " (another user could change what root works on there)\n", result.err(), result::toString);
    try (var names = Files.list(pool)) {
      assertEquals(List.of(), names.toList());
    }
  }

  @Test
  void anImageRootOwnedByAnotherUserIsRefused() throws IOException {
    Path pool = TMPFS.newDirectory("pool-");
    Commands.run("chown", "65534:65534", pool.toString());

    assertRefused(new JimgRunner().run("list", "--image-root=" + pool), pool, "it is owned by uid 65534, not by root");
    assertRefused(new JimgRunner().env("JIMG_IMAGE_ROOT", pool.toString()).run("set-limit", "1G"), pool,
        "it is owned by uid 65534, not by root");
  }

  @Test
  void anImageRootWritableByOthersIsRefused() throws IOException {
    Path pool = TMPFS.newDirectory("pool-");
    Commands.run("chmod", "0777", pool.toString());

    assertRefused(new JimgRunner().env("JIMG_IMAGE_ROOT", pool.toString()).run("list"), pool,
        "it is writable by group and others (mode 0777)");
  }
}
