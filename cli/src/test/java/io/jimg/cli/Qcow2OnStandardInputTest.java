package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `jimg import-raw - NAME` reading a qcow2 from a pipe: one that names a backing file is refused as from a file
 * (following it would make jimg read a file of the host), and one without is converted.
 */
class Qcow2OnStandardInputTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final long HANG_GUARD_MINUTES = 5;

  /** The command in a JVM of its own, the file's bytes written into its standard input through a pipe. */
  private static Commands.Result importFromPipe(Path pool, Path qcow2, String name) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--image-root=" + pool, "import-raw", "-", name).redirectErrorStream(true);
    builder.environment().put("JIMG_LOCK_DIRECTORY", JimgRunner.LOCKS.toString());
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(Files.readAllBytes(qcow2));
    } catch (java.io.IOException e) {
      // The command may refuse after the header and close the pipe before the rest is written.
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES), "the import hung");
    return new Commands.Result(process.exitValue(), output);
  }

  private static List<String> names(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aQcow2WithABackingFileIsRefusedFromAPipeAndLeavesNothing() throws Exception {
    Requirements.requireTool("qemu-img");
    Path base = Files.writeString(BTRFS.root().resolve("host-secret.raw"), "the host's own bytes\n".repeat(4096));
    Path qcow2 = BTRFS.root().resolve("backed.qcow2");
    Commands.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "raw", qcow2.toString());
    Path pool = Files.createDirectories(BTRFS.root().resolve("pool-backed"));
    Commands.Result result = importFromPipe(pool, qcow2, "backed");
    assertEquals(1, result.exitCode(), result.output());
    assertTrue(result.output().contains("jimg: cannot convert the qcow2 image ")
        && result.output().contains(": it names a backing file, which would make jimg read a file of the host"),
        result.output());
    assertEquals(List.of(), names(pool), "nothing of the refused image stays");
  }

  @Test
  void aQcow2WithoutOneIsConvertedFromAPipe() throws Exception {
    Requirements.requireTool("qemu-img");
    Path raw = Files.writeString(BTRFS.root().resolve("plain.raw"), "a disk of its own\n".repeat(4096));
    Path qcow2 = BTRFS.root().resolve("plain.qcow2");
    Commands.run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
    Path pool = Files.createDirectories(BTRFS.root().resolve("pool-plain"));
    Commands.Result result = importFromPipe(pool, qcow2, "plain");
    assertEquals(0, result.exitCode(), result.output());
    // qemu-img rounds the virtual size up to whole sectors: compare the bytes the raw file holds, then zeros.
    byte[] imported = Files.readAllBytes(pool.resolve("plain.raw"));
    byte[] expected = Files.readAllBytes(raw);
    assertEquals(-1, java.util.Arrays.mismatch(expected, java.util.Arrays.copyOf(imported, expected.length)));
    for (int i = expected.length; i < imported.length; i++) {
      assertEquals(0, imported[i], "zero padding at " + i);
    }
  }
}
