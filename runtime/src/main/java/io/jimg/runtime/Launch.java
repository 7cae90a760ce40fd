package io.jimg.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One engine's way to run a spec: the command line, the environment it adds, and what it prepared for the run
 * (a staged root), which hears when the command has started and is closed once the command has ended.
 */
public final class Launch implements Closeable {
  /** What an engine prepared for one launch: told once the engine's process runs, closed once it has ended. */
  interface Staging extends Closeable {
    void started(Process process) throws IOException, InterruptedException;
  }

  private final List<String> command;
  private final Map<String, String> environment;
  private final boolean clearEnvironment;
  private final int signalDepth;
  private final Map<Integer, Integer> signalMap;
  private final Staging staging;
  private final boolean statusHidesSignals;

  Launch(List<String> command, Map<String, String> environment, boolean clearEnvironment,
      int signalDepth, Map<Integer, Integer> signalMap, Staging staging) {
    this(command, environment, clearEnvironment, signalDepth, signalMap, staging, false);
  }

  /**
   * With {@code statusHidesSignals}, the engine's exit status after a passed-on signal says nothing of it
   * (systemd-nspawn answers 1, "terminated by signal KILL"): the run then ends with 128 + the signal jimg got.
   */
  Launch(List<String> command, Map<String, String> environment, boolean clearEnvironment,
      int signalDepth, Map<Integer, Integer> signalMap, Staging staging, boolean statusHidesSignals) {
    this.statusHidesSignals = statusHidesSignals;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.clearEnvironment = clearEnvironment;
    this.signalDepth = signalDepth;
    this.signalMap = Map.copyOf(signalMap);
    this.staging = staging;
  }

  public List<String> command() {
    return command;
  }

  /** Variables set for the launched process, on top of jimg's own unless {@link #clearsEnvironment()}. */
  public Map<String, String> environment() {
    return environment;
  }

  public boolean clearsEnvironment() {
    return clearEnvironment;
  }

  /**
   * How far below the launched process a signal for the container goes: 0 for the process itself, 1 for its
   * children, and so on. util-linux's {@code unshare --fork} blocks SIGINT and SIGTERM, so signals skip it.
   */
  int signalDepth() {
    return signalDepth;
  }

  /** The signal that means to the launched process what {@code signal} meant to jimg. */
  int translate(int signal) {
    return signalMap.getOrDefault(signal, signal);
  }

  /** The run's exit status from the engine's, where jimg passed {@code signal} on (0 where it passed none). */
  int status(int engineStatus, int signal) {
    return statusHidesSignals && signal != 0 ? 128 + signal : engineStatus;
  }

  /** Called by {@link Launcher} as soon as {@code process}, the engine's command, has been started. */
  void started(Process process) throws IOException, InterruptedException {
    if (staging != null) {
      staging.started(process);
    }
  }

  @Override
  public void close() throws IOException {
    if (staging != null) {
      staging.close();
    }
  }
}
