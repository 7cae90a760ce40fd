package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import java.io.BufferedReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;

/**
 * Runs a spec as {@link Launcher#run} does, with a payload that stops halfway so that a test can look at the host
 * while it runs: the payload writes a line to the fifo {@code ready} in a directory it shares with the host, then
 * waits for a line on the fifo {@code go} there.
 */
final class PausedRun {
  private PausedRun() {}

  /** What a test checks while the payload waits. */
  interface Check {
    void run() throws Exception;
  }

  /** Makes the two fifos in {@code directory}. */
  static void makeFifos(Path directory) throws Exception {
    try (Fd fd = Fd.openDirectory(directory)) {
      for (String name : List.of("ready", "go")) {
        fd.mknod(FileNames.bytes(name), Linux.S_IFIFO | 0600, 0);
      }
    }
  }

  /** The payload, for the fifos' directory as the container sees it. */
  static List<String> payload(String directory) {
    return List.of("/bin/sh", "-c", "echo ready > \"$1/ready\" && read go < \"$1/go\"", "sh", directory);
  }

  /** Runs {@code spec}, calls {@code check} while the payload waits, and returns the payload's exit status. */
  static int run(LaunchEngine engine, PreparedRoot root, LaunchSpec spec, Path fifos, Check check) throws Exception {
    try (Launch launch = engine.launch(root, spec)) {
      Process process = Launcher.start(launch);
      try {
        launch.started(process);
        assertEquals("ready", await(process, fifos.resolve("ready"), () -> {
          try (BufferedReader reader = Files.newBufferedReader(fifos.resolve("ready"))) {
            return reader.readLine();
          }
        }), "the payload reached its first fifo");
        check.run();
        await(process, fifos.resolve("go"), () -> {
          Files.writeString(fifos.resolve("go"), "go\n");
          return "";
        });
        return process.waitFor();
      } finally {
        process.destroyForcibly();
        process.waitFor();
      }
    }
  }

  /**
   * Does {@code io} (one line at most) on a fifo, whose open waits for the payload to open the other end; where
   * the payload ends first, this opens the other end itself (an O_RDWR open of a fifo never waits) and holds it
   * until {@code io} is done, so that a read gets a line that says so and a write has a reader.
   */
  private static String await(Process process, Path fifo, Callable<String> io) throws Exception {
    FutureTask<String> task = new FutureTask<>(io);
    Thread thread = new Thread(task, "paused-run-fifo");
    thread.setDaemon(true);
    thread.start();
    CompletableFuture.anyOf(CompletableFuture.runAsync(() -> {
      try {
        task.get();
      } catch (Exception e) {
        // reported below
      }
    }), process.onExit()).join();
    if (!task.isDone()) {
      try (FileChannel other = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        other.write(StandardCharsets.UTF_8.encode("the payload ended with " + process.exitValue() + "\n"));
        return task.get();
      }
    }
    return task.get();
  }
}
