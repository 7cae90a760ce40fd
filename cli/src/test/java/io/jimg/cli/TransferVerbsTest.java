package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The import and export verbs: help, a round trip through the store, and the exit code of a refused archive. */
class TransferVerbsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private final JimgRunner jimg = new JimgRunner();

  @ParameterizedTest
  @ValueSource(strings = {"import-tar", "import-raw", "import-fs", "export-tar", "export-raw"})
  void verbHasHelpWithAnExample(String verb) {
    JimgRunner.Result result = jimg.run(verb, "--help");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().startsWith("Usage: jimg " + verb), result::toString);
    assertTrue(result.out().contains("\nExample:\n  jimg " + verb), result::toString);
    assertEquals("", result.err());
  }

  @Test
  void tarGoesInAndComesOutWhole() throws Exception {
    Path pool = Files.createDirectory(BTRFS.root().resolve("pool"));
    Path tree = Files.createDirectory(BTRFS.root().resolve("tree"));
    Files.writeString(tree.resolve("hello"), "world");
    Path archive = BTRFS.root().resolve("small.tar.gz");
    Commands.run("tar", "-C", tree.toString(), "-czf", archive.toString(), ".");
    JimgRunner.Result imported = jimg.run("--image-root=" + pool, "import-tar", archive.toString());
    assertEquals(0, imported.exitCode(), imported::toString);
    assertEquals("world", Files.readString(pool.resolve("small/hello")));
    Path out = BTRFS.root().resolve("out.tar.zst");
    JimgRunner.Result exported = jimg.run("--image-root=" + pool, "export-tar", "small", out.toString());
    assertEquals(0, exported.exitCode(), exported::toString);
    assertTrue(Commands.run("tar", "--zstd", "-tf", out.toString()).contains("./hello"));
  }

  @Test
  void refusedArchiveFailsWithOneLineNamingTheEntry() throws Exception {
    Path pool = Files.createDirectory(BTRFS.root().resolve("pool-refused"));
    Path tree = Files.createDirectory(BTRFS.root().resolve("tree-refused"));
    Files.writeString(tree.resolve("x"), "x");
    Path archive = BTRFS.root().resolve("escape.tar");
    Commands.run("tar", "-C", tree.toString(), "--transform=s,^\\./x,../escape,", "-cf", archive.toString(), "./x");
    JimgRunner.Result result = jimg.run("--image-root=" + pool, "import-tar", archive.toString(), "bad");
    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("jimg: ") && result.err().contains("'../escape'"), result::toString);
    assertTrue(Files.notExists(pool.resolve("bad")));
  }
}
