package io.jimg.runtime;

import java.util.List;
import java.util.Map;

/**
 * One engine's way to run a spec: the command line, the environment it adds, and what must stay in place
 * (staging mounts) until the command has ended.
 */
public final class Launch implements AutoCloseable {
  /** Whom a signal for the container goes to. */
  enum SignalTarget {
    /** The launched process passes it on itself (systemd-nspawn). */
    PROCESS,
    /** The payload, a grandchild: unshare blocks signals and a namespace's init ignores them. */
    GRANDCHILDREN
  }

  private final List<String> command;
  private final Map<String, String> environment;
  private final boolean clearEnvironment;
  private final SignalTarget signalTarget;
  private final AutoCloseable staging;

  Launch(List<String> command, Map<String, String> environment, boolean clearEnvironment,
      SignalTarget signalTarget, AutoCloseable staging) {
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.clearEnvironment = clearEnvironment;
    this.signalTarget = signalTarget;
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

  SignalTarget signalTarget() {
    return signalTarget;
  }

  @Override
  public void close() throws Exception {
    if (staging != null) {
      staging.close();
    }
  }
}
