package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.SyscallKill;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The jimg command SIGKILLed on btrfs at each rename of clone, rename, a --force replace and provision, and at each
 * fsync of remove (the steps around its intent record and its trash): after the next command the pool
 * holds the images of before or of after, each whole, its companion file beside it, and no jimg temporary. Kills
 * at exact system calls (strace's fault injection), since on btrfs a snapshot or a rename takes microseconds and a
 * kill timed from outside would miss it.
 */
class CrashOnBtrfsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final int FILES = 20;
  /** Far more calls than any of these commands makes: a command that never finishes is a hung test. */
  private static final int MAX_TRIALS = 60;

  static Path oldTree;
  static Path newTree;

  @BeforeAll
  static void archives() throws Exception {
    oldTree = archive("old");
    newTree = archive("new");
  }

  /** A tar of a tree whose every file says {@code content}. */
  private static Path archive(String content) throws Exception {
    Path tree = Files.createDirectories(BTRFS.root().resolve("tree-" + content + "/etc"));
    for (int i = 0; i < FILES; i++) {
      Files.writeString(tree.resolve("f" + i), content);
    }
    Path archive = BTRFS.root().resolve(content + ".tar");
    Commands.run("tar", "-cf", archive.toString(), "-C", tree.getParent().toString(), ".");
    return archive;
  }

  /** A fresh pool holding image {@code src} (content "old") with its settings file src.nspawn beside it. */
  private static Path pool(String name) throws Exception {
    Path pool = Files.createDirectories(BTRFS.root().resolve(name));
    JimgRunner.Result imported = new JimgRunner().run("--image-root=" + pool, "import-tar", oldTree.toString(), "src");
    assertEquals(0, imported.exitCode(), imported::toString);
    Files.writeString(pool.resolve("src.nspawn"), "[Exec]\n");
    return pool;
  }

  private static List<String> childCommand(Path pool, String arguments) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--image-root=" + pool));
    command.addAll(List.of(arguments.replace("OLD", oldTree.toString()).replace("NEW", newTree.toString()).split(" ")));
    return command;
  }

  /** Names in the pool but the lock files a killed holder leaves, as systemd's own do. */
  private static List<String> names(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> !(n.startsWith(".#") && n.endsWith(".lck")))
          .sorted().toList();
    }
  }

  /** Each image in the pool has every file, all with one content, and its companion settings and origin files. */
  private static void assertWhole(Path pool, List<String> images, String where) throws Exception {
    List<String> expected = new ArrayList<>();
    for (String image : images) {
      expected.add(image);
      expected.add(image + ".nspawn");
      expected.add(image + ".origin"); // every image jimg made records where it came from
      Set<String> contents;
      try (Stream<Path> files = Files.list(pool.resolve(image).resolve("etc"))) {
        contents = Set.copyOf(files.filter(f -> f.getFileName().toString().startsWith("f")).map(f -> {
          try {
            return Files.readString(f);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).toList());
      }
      try (Stream<Path> files = Files.list(pool.resolve(image).resolve("etc"))) {
        assertEquals(FILES, files.filter(f -> f.getFileName().toString().startsWith("f")).count(), where + image);
      }
      assertEquals(1, contents.size(), where + image + " holds one tree, not a mix: " + contents);
    }
    expected.sort(null);
    assertEquals(expected, names(pool), where + "the images, their companions and no temporary");
  }

  @ParameterizedTest(name = "{0} killed at each {2}")
  @CsvSource(delimiter = '|', value = {
      "clone src copy | src,copy | renameat2",
      "rename src moved | moved | renameat2", "remove src | '' | fsync",
      "import-tar --force NEW src | src | renameat2",
      "provision src --count 2 --prefix node | src,node1,node2 | renameat2"})
  void aCommandKilledAtAnyStepLeavesBeforeOrAfterWhole(String arguments, String after, String syscall)
      throws Exception {
    List<String> before = List.of("src");
    List<String> afterImages = after.isEmpty() ? List.of() : Stream.of(after.split(",")).sorted().toList();
    int kills = 0;
    for (int n = 1; ; n++) {
      assertTrue(n < MAX_TRIALS, "the command made more than " + MAX_TRIALS + " " + syscall + " calls");
      String where = arguments + ", killed at " + syscall + " #" + n + ": ";
      Path pool = pool("pool-" + arguments.split(" ")[0] + "-" + syscall + "-" + n);
      SyscallKill.Outcome outcome = SyscallKill.run(syscall, n,
          Map.of("JIMG_LOCK_DIRECTORY", JimgRunner.LOCKS.toString()), childCommand(pool, arguments));
      JimgRunner.Result next = new JimgRunner().run("--image-root=" + pool, "list", "--all", "--json");
      assertEquals(0, next.exitCode(), next::toString);
      List<String> images = names(pool).stream().filter(name -> !name.contains(".")).sorted().toList();
      if (!outcome.killed()) {
        assertEquals(0, outcome.exitCode(), outcome.output());
        assertEquals(afterImages, images, where + "finished");
        assertWhole(pool, images, where);
        break;
      }
      kills++;
      assertTrue(images.equals(before) || images.equals(afterImages), where + images);
      assertWhole(pool, images, where);
      if (arguments.startsWith("import-tar")) {
        assertEquals(List.of(), names(pool).stream().filter(name -> name.startsWith(".")).toList(), where);
      }
    }
    assertTrue(kills > 0, arguments + " made no " + syscall + " call at all: nothing was tested");
  }
}
