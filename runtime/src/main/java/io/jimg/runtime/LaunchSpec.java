package io.jimg.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run in a root: a command (empty to boot the image, or to start a shell where the engine cannot boot),
 * bind mounts, environment variables, and whether the root is mounted read-only.
 */
public record LaunchSpec(List<String> command, List<Bind> binds, Map<String, String> environment, boolean readOnly) {
  public LaunchSpec {
    command = List.copyOf(command);
    binds = List.copyOf(binds);
    environment = Map.copyOf(environment);
    for (String key : environment.keySet()) {
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("not an environment variable name: " + key);
      }
    }
  }

  /** Boots the image (or starts a shell in it, where the engine cannot boot). */
  public static LaunchSpec boot() {
    return new LaunchSpec(List.of(), List.of(), Map.of(), false);
  }

  public static LaunchSpec command(String... command) {
    return command(List.of(command));
  }

  public static LaunchSpec command(List<String> command) {
    return new LaunchSpec(command, List.of(), Map.of(), false);
  }

  public boolean boots() {
    return command.isEmpty();
  }

  public LaunchSpec withBind(Bind bind) {
    List<Bind> more = new ArrayList<>(binds);
    more.add(Objects.requireNonNull(bind, "bind"));
    return new LaunchSpec(command, more, environment, readOnly);
  }

  public LaunchSpec withEnvironment(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(environment);
    more.put(key, Objects.requireNonNull(value, "value"));
    return new LaunchSpec(command, binds, more, readOnly);
  }

  public LaunchSpec withReadOnly(boolean readOnly) {
    return new LaunchSpec(command, binds, environment, readOnly);
  }

  /** A host directory made visible at {@code destination}, an absolute path inside the root. */
  public record Bind(Path source, String destination) {
    public Bind {
      Objects.requireNonNull(source, "source");
      if (!source.isAbsolute()) {
        throw new IllegalArgumentException("bind source must be an absolute path: " + source);
      }
      if (destination == null) {
        destination = source.toString();
      }
      if (!destination.startsWith("/") || destination.indexOf(':') >= 0 || destination.replace("/", "").isEmpty()
          || Arrays.stream(destination.split("/")).anyMatch(c -> c.equals(".") || c.equals(".."))) {
        throw new IllegalArgumentException(
            "bind destination must be an absolute path below / without ':', '.' or '..': " + destination);
      }
    }

    /** Parses systemd-nspawn's {@code SRC[:DST]}. */
    public static Bind parse(String text) {
      int colon = text.indexOf(':');
      return colon < 0
          ? new Bind(Path.of(text), null)
          : new Bind(Path.of(text.substring(0, colon)), text.substring(colon + 1));
    }

    String asOption() {
      return source + ":" + destination;
    }
  }
}
