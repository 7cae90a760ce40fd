package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The service started by systemd-socket-activate, as a unit's socket starts it. */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class SocketActivationTest {
  @TempDir Path directory;

  @Test
  void thePassedSocketIsServedAndItsVariablesDoNotReachChildren() throws Exception {
    Path activate = Requirements.requireTool("systemd-socket-activate");
    Path socket = directory.resolve("activated");
    Process service = new ProcessBuilder(activate.toString(), "-l", socket.toString(),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djnr.ffi.asm.enabled=false",
        "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(), directory.resolve("unused")
            .toString())
        .redirectErrorStream(true).start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(service.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line = output.readLine(); // systemd-socket-activate says so once it listens
      assertTrue(line != null && line.contains("Listening on"), String.valueOf(line));
      try (WireClient client = new WireClient(socket)) {
        Map<String, Object> info = client.ask("{\"method\":\"org.varlink.service.GetInfo\"}");
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) info.get("parameters");
        assertEquals(List.of("io.jimg.activation", "io.jimg.test", "org.varlink.service"),
            parameters.get("interfaces"));
        assertEquals(Map.of("parameters", Map.of("variables", List.of())),
            client.ask("{\"method\":\"io.jimg.activation.ChildEnvironment\"}"));
      }
      assertTrue(Files.notExists(directory.resolve("unused")), "no socket of its own was bound");
    } finally {
      service.destroy();
      service.waitFor(2, TimeUnit.MINUTES);
    }
  }
}
