package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed pull names the URL it pulled, and a URL that names no file is told so. */
class PullMessagesTest {
  @TempDir Path mirror;
  @TempDir Path pool;

  private JimgRunner.Result jimg(String... args) {
    return new JimgRunner().runIn(pool, args);
  }

  @Test
  void aTruncatedPulledXzNamesTheUrl() throws Exception {
    Path tree = Files.createDirectory(mirror.resolve("tree"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(tree.resolve("file" + i), "line " + i + " of a file that makes the archive longer\n".repeat(50));
    }
    Path whole = mirror.resolve("whole.tar.xz");
    Commands.run("tar", "-C", tree.toString(), "-cJf", whole.toString(), ".");
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(mirror.resolve("tr.tar.xz"), Arrays.copyOf(bytes, bytes.length / 2));
    String url = cut.toUri().toString();
    JimgRunner.Result result = jimg("pull-tar", "--verify=no", url, "tr");
    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("jimg: cannot decode the xz data of " + url + ": "), result::toString);
    assertFalse(Files.exists(pool.resolve("tr")));
  }

  @Test
  void aUrlWithoutAFileNameSaysSo() {
    JimgRunner.Result result = jimg("pull", "--verify=no", "http://127.0.0.1:1/");
    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().endsWith("jimg: http://127.0.0.1:1/: the URL names no file (its path is empty or ends "
        + "with '/'); give the image file's URL\n"), result::toString);
  }
}
