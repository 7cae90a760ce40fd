package io.jimg.runtime;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Signals;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a prepared root with an engine in the foreground and returns the command's exit status (128 + N where
 * it died of signal N).
 *
 * <p>No container outlives the launcher: a JVM cannot set a parent-death signal on its child, so the engine's
 * command is exec'ed through util-linux's {@code setpriv --pdeathsig KILL}; when this JVM dies, even of
 * SIGKILL, the kernel kills the engine. Both engines run in a PID namespace of their own whose init dies with
 * the engine ({@code unshare --fork --pid --kill-child=KILL}), and with its init the kernel kills everything in
 * the namespace and the namespaces below it: a booted container's systemd would otherwise outlive a killed
 * systemd-nspawn.
 *
 * <p>SIGINT, SIGTERM and SIGHUP sent to this JVM while a container runs are passed on to it with the same
 * signal (systemd-nspawn ignores SIGHUP: it gets SIGTERM, its orderly shutdown, instead), through
 * {@code sun.misc.Signal} handlers installed for the run's length (the JDK has no public API to catch a signal,
 * and its shutdown hooks cannot tell which signal came). The JVM then stays up until the
 * container has ended, so the exit status still passes through (128 + the signal jimg got, with either engine)
 * and the caller still removes the root; a container that has not ended {@link #killAfter} after the signal is
 * killed.
 */
public final class Launcher {
  private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");

  private final LaunchEngine engine;
  private Duration killAfter = Duration.ofSeconds(10);

  public Launcher(LaunchEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** How long a container may take to end after a passed-on signal before it is killed. */
  public Launcher killAfter(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("negative grace period: " + grace);
    }
    this.killAfter = grace;
    return this;
  }

  public LaunchEngine engine() {
    return engine;
  }

  /** Runs {@code spec} in {@code root}, inheriting this process's standard streams. */
  public int run(PreparedRoot root, LaunchSpec spec) throws IOException, InterruptedException {
    try (Launch launch = engine.launch(root, spec)) {
      Process process = start(launch);
      ScheduledExecutorService killer =
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jimg-launch-killer"));
      Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
      AtomicInteger passedOn = new AtomicInteger();
      try {
        for (String name : FORWARDED) {
          Signal signal = new Signal(name);
          try {
            previous.put(signal, Signal.handle(signal, caught -> {
              passedOn.compareAndSet(0, caught.getNumber());
              forward(process, launch.signalDepth(), launch.translate(caught.getNumber()));
              try {
                killer.schedule(() -> kill(process), killAfter.toMillis(), TimeUnit.MILLISECONDS);
              } catch (RejectedExecutionException e) {
                // the container has just ended
              }
            }));
          } catch (IllegalArgumentException e) {
            // The JVM runs with -Xrs or the signal is taken: that signal then acts on jimg as it would anyway.
          }
        }
        launch.started(process);
        int status = process.waitFor();
        return launch.status(status, passedOn.get());
      } finally {
        previous.forEach(Signal::handle);
        killer.shutdownNow();
        if (process.isAlive()) {
          kill(process); // interrupted: take the container down with us
          process.waitFor();
        }
      }
    }
  }

  /** Starts the engine's command; package-private for tests that look at the host while a payload runs. */
  static Process start(Launch launch) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Executables.find("setpriv", "util-linux"));
    command.add("--pdeathsig");
    command.add("KILL");
    command.add("--");
    command.addAll(launch.command());
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    if (launch.clearsEnvironment()) {
      builder.environment().clear();
    }
    builder.environment().putAll(launch.environment());
    return builder.start();
  }

  private static void forward(Process process, int depth, int signal) {
    List<ProcessHandle> targets = List.of(process.toHandle());
    for (int level = 0; level < depth; level++) {
      targets = targets.stream().flatMap(ProcessHandle::children).toList();
    }
    try {
      for (ProcessHandle target : targets) {
        Signals.send(target.pid(), signal);
      }
    } catch (NativeException e) {
      kill(process); // cannot pass the signal on: end the container rather than leave it running
    }
  }

  private static void kill(Process process) {
    process.destroyForcibly();
  }
}
