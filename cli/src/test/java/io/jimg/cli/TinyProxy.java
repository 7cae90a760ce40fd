package io.jimg.cli;

import io.jimg.btrfs.testing.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real forward proxy (tinyproxy, which tunnels HTTPS with CONNECT) on 127.0.0.1, one per test class, in the
 * foreground with its log on its standard output, kept in {@link #log()}.
 */
final class TinyProxy implements BeforeAllCallback, AfterAllCallback {
  /** The port is picked free and released before tinyproxy binds it: another process may take it in between. */
  private static final int BIND_ATTEMPTS = 5;
  private static final long HANG_GUARD_MINUTES = 5;

  private final List<String> log = new ArrayList<>();
  private Path directory;
  private Process process;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path tinyproxy = Requirements.requireTool("tinyproxy");
    directory = Files.createTempDirectory("jimg-tinyproxy-");
    for (int attempt = 1; !start(tinyproxy); attempt++) {
      if (attempt == BIND_ATTEMPTS) {
        throw new IOException("tinyproxy could not listen in " + BIND_ATTEMPTS + " attempts: " + log());
      }
    }
  }

  /** True once tinyproxy accepts connections; false where it exited first (the port was taken). */
  private boolean start(Path tinyproxy) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path config = Files.writeString(directory.resolve("tinyproxy.conf"),
        "Port " + port + "\nListen 127.0.0.1\nTimeout 60\nMaxClients 16\nLogLevel Info\n");
    process = new ProcessBuilder(tinyproxy.toString(), "-d", "-c", config.toString()).redirectErrorStream(true).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      record(line);
      if (line.contains("Starting main loop")) {
        Thread drain = new Thread(() -> {
          try {
            for (String more = output.readLine(); more != null; more = output.readLine()) {
              record(more);
            }
          } catch (IOException e) {
            record("reading tinyproxy's log failed: " + e);
          }
        }, "tinyproxy log");
        drain.setDaemon(true);
        drain.start();
        return true;
      }
    }
    return false; // it exited: the end of its output
  }

  private void record(String line) {
    synchronized (log) {
      log.add(line);
    }
  }

  /** Its log lines so far. */
  List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    }
    if (directory != null) {
      Files.deleteIfExists(directory.resolve("tinyproxy.conf"));
      Files.deleteIfExists(directory);
    }
  }
}
