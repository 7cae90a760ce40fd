package io.jimg.btrfs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs external tools from tests (mkfs, mount, debootstrap, tar, ...). Only tests may do this; library code talks
 * to the kernel. Output is merged and carried into the failure message, so a failed tool explains itself.
 */
public final class Commands {
  private Commands() {}

  /** The result of a finished command. */
  public record Result(int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /**
   * Runs a command and returns its exit code and merged output, whatever the exit code. A tool named without a
   * directory is a requirement of the test: missing, it fails the test under CI and skips it elsewhere.
   */
  public static Result exec(List<String> command) {
    List<String> resolved = new ArrayList<>(command);
    if (!command.get(0).contains("/")) {
      resolved.set(0, Requirements.requireTool(command.get(0)).toString());
    }
    ProcessBuilder builder = new ProcessBuilder(resolved).redirectErrorStream(true);
    builder.environment().putIfAbsent("LC_ALL", "C");
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  public static Result exec(String... command) {
    return exec(List.of(command));
  }

  /** Runs a command that must succeed and returns its merged output; throws with that output otherwise. */
  public static String run(List<String> command) {
    Result result = exec(command);
    if (!result.succeeded()) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with " + result.exitCode() + ":\n" + result.output());
    }
    return result.output();
  }

  public static String run(String... command) {
    return run(List.of(command));
  }
}
