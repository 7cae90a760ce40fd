package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The import and export verbs: help, a round trip through the store, and the exit code of a refused archive. */
class TransferVerbsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final int NOBODY = 65534;
  final JimgRunner jimg = new JimgRunner();

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

  /** A pool holding a tiny tree image {@code small} and a raw image {@code disk}. */
  private static Path poolWithImages(String name) throws Exception {
    Path pool = Files.createDirectory(BTRFS.root().resolve(name));
    Path tree = Files.createDirectory(BTRFS.root().resolve(name + "-tree"));
    Files.writeString(tree.resolve("secret"), "the image's own");
    Path archive = BTRFS.root().resolve(name + "-small.tar");
    Commands.run("tar", "-C", tree.toString(), "-cf", archive.toString(), ".");
    Path disk = Files.writeString(BTRFS.root().resolve(name + "-disk.raw"), "raw bytes\n".repeat(100));
    String[][] imports = {{"import-tar", archive.toString(), "small"}, {"import-raw", disk.toString(), "disk"}};
    for (String[] args : imports) {
      JimgRunner.Result imported = new JimgRunner().run("--image-root=" + pool, args[0], args[1], args[2]);
      assertEquals(0, imported.exitCode(), imported::toString);
    }
    return pool;
  }

  private static String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
  }

  /** A directory every user may write to, with the sticky bit, as /tmp. */
  private static Path sharedDirectory(String name) throws Exception {
    Path shared = Files.createDirectory(BTRFS.root().resolve(name));
    Files.setAttribute(shared, "unix:mode", 01777);
    return shared;
  }

  @Test
  void aFreshExportIsReadableByItsOwnerAloneUnlessAModeIsGiven() throws Exception {
    Path pool = poolWithImages("pool-modes");
    Path out = BTRFS.root().resolve("modes");
    Files.createDirectory(out);
    String[][] exports = {{"export-tar", "small", "small.tar"}, {"export-raw", "disk", "disk.raw.zst"}};
    for (String[] args : exports) {
      JimgRunner.Result exported = jimg.run("--image-root=" + pool, args[0], args[1], out.resolve(args[2]).toString());
      assertEquals(0, exported.exitCode(), exported::toString);
      assertEquals("rw-------", mode(out.resolve(args[2])), args[0]);
    }
    JimgRunner.Result exported = jimg.run("--image-root=" + pool, "export-tar", "--mode=0640", "small",
        out.resolve("shared.tar").toString());
    assertEquals(0, exported.exitCode(), exported::toString);
    assertEquals("rw-r-----", mode(out.resolve("shared.tar")));
    assertTrue(Commands.run("tar", "-tf", out.resolve("shared.tar").toString()).contains("./secret"));
    JimgRunner.Result refused = jimg.run("--image-root=" + pool, "export-tar", "--mode=999", "small", "-");
    assertEquals(2, refused.exitCode(), refused::toString);
  }

  @Test
  void anExportOverAFileKeepsItsOwnerAndMode() throws Exception {
    Path pool = poolWithImages("pool-existing");
    Path target = Files.writeString(BTRFS.root().resolve("existing.tar"), "an older export");
    Files.setAttribute(target, "unix:uid", NOBODY);
    Files.setAttribute(target, "unix:mode", 0644);
    JimgRunner.Result exported = jimg.run("--image-root=" + pool, "export-tar", "small", target.toString());
    assertEquals(0, exported.exitCode(), exported::toString);
    assertEquals(NOBODY, Files.getAttribute(target, "unix:uid"));
    assertEquals("rw-r--r--", mode(target));
    assertTrue(Commands.run("tar", "-tf", target.toString()).contains("./secret"));
  }

  @Test
  void anotherUsersPartialNameInAStickyDirectorySurvivesAnExport() throws Exception {
    Path pool = poolWithImages("pool-sticky");
    Path shared = sharedDirectory("sticky");
    Path theirs = Files.writeString(shared.resolve(".#small.tar.partial"), "not jimg's");
    Files.setAttribute(theirs, "unix:uid", NOBODY);
    JimgRunner.Result exported = jimg.run("--image-root=" + pool, "export-tar", "small",
        shared.resolve("small.tar").toString());
    assertEquals(0, exported.exitCode(), exported::toString);
    assertEquals("not jimg's", Files.readString(theirs));
    assertEquals(NOBODY, Files.getAttribute(theirs, "unix:uid"));
    assertEquals("rw-------", mode(shared.resolve("small.tar")));
    try (Stream<Path> names = Files.list(shared)) {
      assertEquals(List.of(".#small.tar.partial", "small.tar"),
          names.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void anExportRefusesASymlinkPlantedUnderItsNameAndLeavesIt() throws Exception {
    Path pool = poolWithImages("pool-symlink");
    Path shared = sharedDirectory("sticky-symlink");
    Path sentinel = Files.writeString(BTRFS.root().resolve("sentinel"), "root's own");
    Path planted = Files.createSymbolicLink(shared.resolve("small.tar"), sentinel);
    Files.setAttribute(planted, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    JimgRunner.Result refused = jimg.run("--image-root=" + pool, "export-tar", "small", planted.toString());
    assertEquals(2, refused.exitCode(), refused::toString);
    assertTrue(refused.err().startsWith("jimg: cannot export to " + planted + ": it is a symbolic link"),
        refused::toString);
    assertTrue(Files.isSymbolicLink(planted));
    assertEquals("root's own", Files.readString(sentinel));
    try (Stream<Path> names = Files.list(shared)) {
      assertEquals(List.of("small.tar"), names.map(p -> p.getFileName().toString()).toList());
    }
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

  @Test
  void importTarForceOverAnExistingImageReportsReplaced() throws Exception {
    Path pool = poolWithImages("pool-replaced");
    Path tree = Files.createDirectory(BTRFS.root().resolve("tree-replaced"));
    Files.writeString(tree.resolve("new"), "the new one");
    Path archive = BTRFS.root().resolve("replacement.tar");
    Commands.run("tar", "-C", tree.toString(), "-cf", archive.toString(), ".");
    JimgRunner.Result replaced = jimg.run("--image-root=" + pool, "import-tar", "--force", archive.toString(), "small");
    assertEquals(0, replaced.exitCode(), replaced::toString);
    assertEquals("small: replaced in " + pool + "\n", replaced.err());
    assertEquals("the new one", Files.readString(pool.resolve("small/new")));
    JimgRunner.Result created = jimg.run("--image-root=" + pool, "import-tar", archive.toString(), "fresh");
    assertEquals("fresh: created in " + pool + "\n", created.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"export-tar", "export-raw"})
  void exportHelpSaysAnExistingFileIsReplaced(String verb) {
    JimgRunner.Result result = jimg.run(verb, "--help");
    assertTrue(result.out().contains("An existing FILE is replaced, as systemd-export replaces it"), result::toString);
  }

  /** A reader that stops early closes the pipe: the export ends quietly with 141, as a tool killed by SIGPIPE. */
  @Test
  void exportToAPipeClosedByItsReaderEndsQuietlyWith141() throws Exception {
    Path pool = Files.createDirectory(BTRFS.root().resolve("pool-pipe"));
    Path tree = Files.createDirectory(BTRFS.root().resolve("tree-pipe"));
    byte[] noise = new byte[4 << 20]; // far more than a pipe's buffer, and no run of zeros an export could skip
    new java.util.Random(1).nextBytes(noise);
    Files.write(tree.resolve("big"), noise);
    Path archive = BTRFS.root().resolve("big.tar");
    Commands.run("tar", "-C", tree.toString(), "-cf", archive.toString(), ".");
    assertEquals(0, jimg.run("--image-root=" + pool, "import-tar", archive.toString(), "big").exitCode());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
        new ProcessBuilder(java, "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "--image-root=" + pool, "export-tar", "--format=uncompressed", "big", "-")
            .redirectError(ProcessBuilder.Redirect.PIPE),
        new ProcessBuilder("head", "-c", "100").redirectOutput(ProcessBuilder.Redirect.DISCARD)));
    Process export = pipeline.get(0);
    String stderr = new String(export.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(141, export.waitFor());
    assertEquals("", stderr);
  }
}
