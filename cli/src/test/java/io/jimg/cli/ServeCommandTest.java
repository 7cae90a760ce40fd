package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jimg serve as a process: on a socket of its own until SIGTERM, and started by systemd-socket-activate, as
 * jimgd.socket starts it, until it has been idle; and its units, installed into a directory and checked by systemd.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class ServeCommandTest {
  private static final Path INSTALL_UNITS = Path.of("..", "bin", "install-units").toAbsolutePath().normalize();

  @TempDir Path directory;

  private List<String> jimg(String... arguments) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--image-root", directory.resolve("pool").toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  private static Commands.Result varlinkctl(String... arguments) {
    String configured = System.getenv("JIMG_VARLINKCTL");
    Requirements.require(configured != null && Files.isExecutable(Path.of(configured)),
        "systemd 257's varlinkctl in JIMG_VARLINKCTL (bin/test sets it up with bin/setup-varlinkctl)");
    List<String> command = new ArrayList<>(List.of(configured));
    command.addAll(List.of(arguments));
    return Commands.exec(command);
  }

  /** Reads a process's lines until one contains {@code text}; all read so far, for messages. */
  static String awaitLine(BufferedReader output, String text) throws IOException {
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = output.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.contains(text)) {
        return seen.toString();
      }
    }
    throw new AssertionError("the process ended without saying '" + text + "':\n" + seen);
  }

  @Test
  void servesItsOwnSocketUntilSigtermThenExitsWith143() throws Exception {
    Requirements.requireRoot();
    Path socket = directory.resolve("run/io.jimg");
    Process service = new ProcessBuilder(jimg("serve", "--socket", socket.toString())).redirectErrorStream(true)
        .start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(service.getInputStream(),
        StandardCharsets.UTF_8))) {
      awaitLine(output, "serving " + socket);
      Commands.Result info = varlinkctl("info", "unix:" + socket);
      assertEquals(0, info.exitCode(), info.output());
      assertTrue(info.output().contains("io.systemd.MachineImage") && info.output().contains("io.systemd.Import"),
          info.output());
      service.destroy(); // SIGTERM
      assertEquals(143, service.waitFor());
    } finally {
      service.destroyForcibly();
    }
  }

  @Test
  void socketActivatedItServesThePassedSocketAndExitsWhenIdle() throws Exception {
    Path activate = Requirements.requireTool("systemd-socket-activate");
    Path socket = directory.resolve("activated");
    List<String> command = new ArrayList<>(List.of(activate.toString(), "-l", socket.toString()));
    command.addAll(jimg("serve", "--socket", directory.resolve("unused").toString(), "--exit-idle", "1"));
    Process service = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(service.getInputStream(),
        StandardCharsets.UTF_8))) {
      awaitLine(output, "Listening on");
      Commands.Result listed = varlinkctl("call", "--more", "--graceful=io.systemd.MachineImage.NoSuchImage",
          "unix:" + socket, "io.systemd.MachineImage.List", "{}");
      assertEquals(0, listed.exitCode(), listed.output());
      String log = awaitLine(output, "exiting");
      assertTrue(log.contains("passed by the service manager"), log);
      assertEquals(0, service.waitFor(), "an idle exit is a clean one");
      assertTrue(Files.notExists(directory.resolve("unused")), "no socket of its own was bound");
    } finally {
      service.destroyForcibly();
    }
  }

  @Test
  void theUnitsInstallIntoARootDirectoryAndSystemdAcceptsThem() throws Exception {
    Path root = directory.resolve("root");
    Commands.Result installed = Commands.exec(INSTALL_UNITS.toString(), "--root", root.toString());
    assertEquals(0, installed.exitCode(), installed.output());
    Path units = root.resolve("etc/systemd/system");
    String service = Files.readString(units.resolve("jimgd.service"));
    assertTrue(service.contains("\nExecStart=" + INSTALL_UNITS.getParent().resolve("jimg") + " serve\n"), service);
    String socket = Files.readString(units.resolve("jimgd.socket"));
    assertTrue(socket.contains("\nListenStream=/run/jimg/io.jimg\n") && socket.contains("\nSocketMode=0666\n"),
        socket);
    Path analyze = Requirements.requireTool("systemd-analyze");
    Commands.Result verified = Commands.exec(analyze.toString(), "verify", units.resolve("jimgd.socket").toString(),
        units.resolve("jimgd.service").toString());
    assertEquals(0, verified.exitCode(), verified.output());
    assertEquals("", verified.output().trim(), "systemd has nothing to say about the units");
  }
}
