package io.jimg.runtime;

import io.jimg.btrfs.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command in a root with its output captured, for {@link PreparedRoot#exec}: no terminal, standard input
 * at end of file, standard output and error each kept (up to {@link #OUTPUT_LIMIT} bytes, the rest read and
 * dropped so the command never blocks on a full pipe), and a timeout after which the engine is killed, which
 * takes the whole container down (its PID namespace dies with the engine; see {@link Launcher}).
 */
final class CapturedRun {
  static final int OUTPUT_LIMIT = 16 << 20;

  private CapturedRun() {}

  static ExecResult run(LaunchEngine engine, PreparedRoot root, Exec exec) throws IOException, InterruptedException {
    try (Launch launch = engine.launch(root, exec.spec())) {
      List<String> command = new ArrayList<>(List.of(Executables.find("setpriv", "util-linux"), "--pdeathsig",
          "KILL", "--"));
      command.addAll(separateStreams(launch.command()));
      ProcessBuilder builder = new ProcessBuilder(command);
      if (launch.clearsEnvironment()) {
        builder.environment().clear();
      }
      builder.environment().putAll(launch.environment());
      Process process = builder.start();
      try {
        process.getOutputStream().close();
        FutureTask<String> stdout = drain(process.getInputStream(), "jimg-exec-stdout");
        FutureTask<String> stderr = drain(process.getErrorStream(), "jimg-exec-stderr");
        launch.started(process);
        boolean ended = process.waitFor(exec.timeout().toNanos(), TimeUnit.NANOSECONDS);
        if (!ended) {
          process.destroyForcibly();
        }
        int status = process.waitFor();
        return new ExecResult(status, text(stdout), text(stderr), !ended);
      } finally {
        if (process.isAlive()) {
          process.destroyForcibly(); // interrupted: take the container down with us
          process.waitFor();
        }
      }
    }
  }

  /**
   * systemd-nspawn without a terminal passes the container's output through a pseudo-terminal of its own, which
   * merges standard error into standard output; {@code --console=pipe} hands the container this process's pipes.
   */
  private static List<String> separateStreams(List<String> command) {
    List<String> separated = new ArrayList<>(command);
    for (int i = 0; i < separated.size(); i++) {
      if (separated.get(i).endsWith("/systemd-nspawn")) {
        separated.add(i + 1, "--console=pipe");
        break;
      }
    }
    return separated;
  }

  private static FutureTask<String> drain(InputStream stream, String name) {
    FutureTask<String> task = new FutureTask<>(() -> {
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try (stream) {
        for (int read; (read = stream.read(buffer)) >= 0; ) {
          kept.write(buffer, 0, Math.max(0, Math.min(read, OUTPUT_LIMIT - kept.size())));
        }
      }
      return kept.toString(StandardCharsets.UTF_8);
    });
    DaemonThreads.named(name).newThread(task).start();
    return task;
  }

  private static String text(FutureTask<String> output) throws IOException, InterruptedException {
    try {
      return output.get();
    } catch (ExecutionException e) {
      throw new IOException("cannot read the command's output: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
