package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jimg serve SIGKILLed in the middle of an import (its archive stalled in a pipe, so that the import's temporary
 * certainly exists when the service dies): the next command sweeps, and the pool holds no half image and no
 * temporary.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard, also on the wait for the import's temporary
class ServeKilledTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  /** Names in the pool but the lock files a killed holder leaves, as systemd's own do. */
  private static List<String> names(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> !(n.startsWith(".#") && n.endsWith(".lck")))
          .sorted().toList();
    }
  }

  private static String varlinkctl() {
    String configured = System.getenv("JIMG_VARLINKCTL");
    Requirements.require(configured != null && Files.isExecutable(Path.of(configured)),
        "systemd 257's varlinkctl in JIMG_VARLINKCTL (bin/test sets it up with bin/setup-varlinkctl)");
    return configured;
  }

  private static BufferedReader lines(Process process) {
    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  @Test
  void aServiceKilledMidImportLeavesNothingAfterTheNextCommand() throws Exception {
    Requirements.requireRoot();
    Path base = BTRFS.newDirectory("serve-killed-");
    Path pool = Files.createDirectories(base.resolve("pool"));
    Path tree = Files.createDirectories(base.resolve("tree/etc"));
    Files.writeString(tree.resolve("os-release"), "ID=debian\n");
    Files.write(tree.resolve("big"), new byte[1 << 20]);
    Path archive = base.resolve("root.tar");
    Commands.run("tar", "-cf", archive.toString(), "-C", tree.getParent().toString(), ".");
    JimgRunner.Result imported = new JimgRunner().run("--image-root=" + pool, "import-tar", archive.toString(),
        "before");
    assertEquals(0, imported.exitCode(), imported::toString);
    List<String> before = names(pool);

    Path fifo = base.resolve("pipe");
    Commands.run("mkfifo", fifo.toString());
    Path socket = base.resolve("run/io.jimg");
    List<String> serve = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--image-root=" + pool, "serve", "--socket", socket.toString()));
    ProcessBuilder service = new ProcessBuilder(serve).redirectErrorStream(true);
    service.environment().put("JIMG_LOCK_DIRECTORY", JimgRunner.LOCKS.toString());
    // Read and write ends in one descriptor: the pipe never ends, the import waits for the rest of its archive.
    try (Fd pipe = Fd.open(fifo, Linux.O_RDWR | Linux.O_CLOEXEC)) {
      try (OutputStream writer = Files.newOutputStream(fifo)) {
        writer.write(Arrays.copyOf(Files.readAllBytes(archive), 64 << 10));
      }
      Process served = service.start();
      Process client = null;
      try {
        ServeCommandTest.awaitLine(lines(served), "serving " + socket);
        client = new ProcessBuilder(varlinkctl(), "call", "--more", "unix:" + socket, "io.jimg.Transfer.ImportTar",
            "{\"path\":\"" + fifo + "\",\"name\":\"half\"}").redirectErrorStream(true).start();
        ServeCommandTest.awaitLine(lines(client), "\"id\"");
        while (names(pool).equals(before)) {
          Thread.sleep(5); // a poll's pause for the import's temporary: bounded by the class's hang guard
        }

        served.destroyForcibly(); // SIGKILL mid-import
        assertEquals(137, served.waitFor());
        assertNotEquals(before, names(pool), "the killed import left its temporary for the next command");
      } finally {
        served.destroyForcibly();
        if (client != null) {
          client.destroyForcibly();
        }
      }
    }

    JimgRunner.Result listed = new JimgRunner().run("--image-root=" + pool, "list");
    assertEquals(0, listed.exitCode(), listed::toString);
    assertTrue(listed.out().contains("before") && !listed.out().contains("half"), listed::toString);
    assertEquals(before, names(pool), "the next command swept the half import: no image, no temporary");
  }
}
