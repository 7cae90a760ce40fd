package io.jimg.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command to run in a root with {@link PreparedRoot#exec(Exec)}, its output captured: environment variables,
 * a timeout (five minutes unless set), and the engine (the host's default unless set).
 *
 * <pre>{@code
 * ExecResult result = root.exec(Exec.of("apt-get", "-q", "update")
 *     .withEnvironment("DEBIAN_FRONTEND", "noninteractive")
 *     .withTimeout(Duration.ofMinutes(2)));
 * }</pre>
 *
 * <p>The host's default engine is systemd-nspawn where systemd runs the host with systemd-machined to register
 * containers (systemd is init: {@code /run/systemd/system} exists, the system bus socket and machined are there)
 * and systemd-nspawn is installed; the chroot engine everywhere else, which is what a CI container (no systemd
 * as init) gets. The chroot engine is no security boundary: run only roots you trust with it.
 */
public final class Exec {
  /** How long a command may run when no timeout is set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final LaunchSpec spec;
  private final Duration timeout;
  private final LaunchEngine engine;

  private Exec(LaunchSpec spec, Duration timeout, LaunchEngine engine) {
    this.spec = spec;
    this.timeout = timeout;
    this.engine = engine;
  }

  public static Exec of(String... command) {
    return of(List.of(command));
  }

  public static Exec of(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command to run");
    }
    return new Exec(LaunchSpec.command(command), DEFAULT_TIMEOUT, null);
  }

  /** Sets {@code key} to {@code value} in the command's environment (inside the root). */
  public Exec withEnvironment(String key, String value) {
    return new Exec(spec.withEnvironment(key, value), timeout, engine);
  }

  /** After {@code limit} the command and everything it started are killed and the result says it timed out. */
  public Exec withTimeout(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("a timeout must be positive: " + limit);
    }
    return new Exec(spec, limit, engine);
  }

  /** Runs with {@code chosen} ({@link LaunchEngine#nspawn()} or {@link LaunchEngine#chroot}) instead of the default. */
  public Exec withEngine(LaunchEngine chosen) {
    return new Exec(spec, timeout, Objects.requireNonNull(chosen, "engine"));
  }

  LaunchSpec spec() {
    return spec;
  }

  Duration timeout() {
    return timeout;
  }

  /** The engine set, else the host's default as the class comment says; {@code pool} stages the chroot engine. */
  LaunchEngine engine(Pool pool) {
    if (engine != null) {
      return engine;
    }
    return MachineRegistry.probe().reachable() && Executables.isInstalled("systemd-nspawn")
        ? LaunchEngine.nspawn()
        : new ChrootEngine(pool);
  }
}
