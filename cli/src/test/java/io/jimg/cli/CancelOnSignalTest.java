package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGINT and SIGTERM to a jimg process ({@link SignalledImportMain} in a child JVM) while an import runs: the
 * transfer is cancelled through the registry and cleans up before the process exits with 128 + the signal and one
 * line; a second signal while the cancel waits ends the process at once, and the next command sweeps the pool.
 */
class CancelOnSignalTest {
  @RegisterExtension final LoopFilesystem ext4 = LoopFilesystem.ext4();

  private Path pool;
  private Path archive;
  private Process jimg;

  @BeforeEach
  void archive() throws IOException {
    pool = Files.createDirectory(ext4.root().resolve("pool"));
    Path tree = Files.createDirectories(ext4.root().resolve("tree/etc"));
    Files.writeString(tree.resolve("os-release"), "ID=debian\n");
    Files.write(tree.resolve("data"), new byte[4 << 20]);
    archive = ext4.root().resolve("root.tar");
    Commands.run("tar", "-C", tree.getParent().toString(), "-cf", archive.toString(), "etc");
  }

  @AfterEach
  void stop() {
    if (jimg != null) {
      jimg.destroyForcibly();
    }
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void aSignalCancelsTheImportWhichCleansUpBeforeTheProcessExitsWithOneLine(String signal, int exitCode)
      throws Exception {
    BufferedReader out = start("release");
    assertEquals("BLOCKED", out.readLine());

    kill(signal);

    assertTrue(jimg.waitFor(60, TimeUnit.SECONDS), "jimg ends");
    assertEquals(exitCode, jimg.exitValue());
    assertEquals("jimg: import-tar of 'signalled' was cancelled\n", stderr());
    assertEquals(List.of(), poolEntries(), "no image, temporary or lock file is left");
  }

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void aSecondSignalWhileTheCancelWaitsEndsTheProcessAtOnceAndTheNextCommandSweeps(String signal, int exitCode)
      throws Exception {
    BufferedReader out = start("hold");
    assertEquals("BLOCKED", out.readLine());
    kill(signal);
    assertEquals("CANCELLING", out.readLine());

    kill(signal);

    assertTrue(jimg.waitFor(60, TimeUnit.SECONDS), "jimg ends");
    assertEquals(exitCode, jimg.exitValue());
    assertEquals("", stderr());
    assertTrue(poolEntries().stream().anyMatch(entry -> entry.startsWith(".#jimg-")), "the halt left temporaries");
    JimgRunner.Result list = new JimgRunner().run("--image-root=" + pool, "list", "--quiet");
    assertEquals(0, list.exitCode(), list::toString);
    // The image's nspawn lock file stays, as it does after any killed holder: only its lock says whether it is held.
    assertEquals(List.of(), poolEntries().stream().filter(entry -> !entry.equals(".#signalled.lck")).toList(),
        "the next command swept what the halt left");
  }

  /**
   * The real command: {@code jimg import-tar -} reading GNU tar's archive of a file of 64 GiB (sparse on disk, all
   * zeros in the archive) from a pipe, so the import is surely running when the signal comes, whenever it comes.
   */
  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void aSignalToImportTarCancelsItAndLeavesThePoolAsItWas(String signal, int exitCode) throws Exception {
    Path big = Files.createDirectories(ext4.root().resolve("big"));
    Commands.run("truncate", "-s", "64G", big.resolve("zeros").toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
        new ProcessBuilder("tar", "-C", big.toString(), "-cf", "-", "zeros"),
        new ProcessBuilder("env", "--default-signal=INT,TERM", java, "-Djnr.ffi.asm.enabled=false",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "--image-root=" + pool, "import-tar", "-", "big")
            .redirectError(ProcessBuilder.Redirect.PIPE)));
    jimg = pipeline.get(1);
    try {
      awaitTemporary();
      kill(signal);
      assertTrue(jimg.waitFor(60, TimeUnit.SECONDS), "jimg ends");
      assertEquals(exitCode, jimg.exitValue());
      assertEquals("jimg: import-tar of 'big' was cancelled\n", stderr());
      assertEquals(List.of(), poolEntries(), "the pool is as it was: no image, temporary or lock file");
    } finally {
      pipeline.get(0).destroyForcibly();
    }
  }

  /** Waits until the import has made its temporary in the pool: then it is under way. */
  private void awaitTemporary() throws IOException, InterruptedException {
    while (poolEntries().stream().noneMatch(entry -> entry.startsWith(".#jimg-") && entry.endsWith(".image"))) {
      assertTrue(jimg.isAlive(), "jimg is still importing");
      Thread.onSpinWait();
    }
  }

  private BufferedReader start(String mode) throws IOException {
    // env gives the child the default handling of the signals, whatever the suite inherited (see LauncherSignalsTest).
    jimg = new ProcessBuilder("env", "--default-signal=INT,TERM",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djnr.ffi.asm.enabled=false",
        "-cp", System.getProperty("java.class.path"), SignalledImportMain.class.getName(),
        pool.toString(), archive.toString(), mode).start();
    return new BufferedReader(new InputStreamReader(jimg.getInputStream(), StandardCharsets.UTF_8));
  }

  private void kill(String signal) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(jimg.pid())).start().waitFor();
  }

  private String stderr() throws IOException {
    return new String(jimg.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private List<String> poolEntries() throws IOException {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
    }
  }
}
