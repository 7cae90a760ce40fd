package io.jimg.btrfs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine: root, tools, kernel features. A developer's machine that lacks one skips
 * the test with a message saying what is missing; under {@code CI=true} the same test fails, so that a CI run
 * never turns green by skipping what it was meant to prove.
 */
public final class Requirements {
  private Requirements() {}

  /** Directories searched after PATH: root's tools live in sbin, which a non-login PATH often lacks. */
  private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin");

  /** Whether this run is a CI run, where a missing requirement is a failure. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Fails (under CI) or skips the current test unless {@code satisfied}; {@code missing} says what is not there. */
  public static void require(boolean satisfied, String missing) {
    require(satisfied, missing, isCi());
  }

  static void require(boolean satisfied, String missing, boolean ci) {
    if (satisfied) {
      return;
    }
    String message = "requirement missing: " + missing;
    if (ci) {
      Assertions.fail(message + " (CI=true: a missing requirement fails the test)");
    }
    Assumptions.abort(message);
  }

  public static void requireRoot() {
    require(isRoot(), "root (this test mounts filesystems and sets owners; run it as root)");
  }

  /** Requires an executable {@code command} and returns where it is. */
  public static Path requireTool(String command) {
    Path tool = findTool(command);
    require(tool != null, "the tool '" + command + "' (not on PATH nor in " + String.join(", ", SBIN) + ")");
    return tool;
  }

  /** Requires that the kernel supports {@code feature}, as established by the caller's probe. */
  public static void requireKernelFeature(String feature, boolean supported) {
    require(supported, "kernel support for " + feature + " (kernel " + System.getProperty("os.version") + ")");
  }

  /** Requires that the running kernel can mount {@code type}, either already or by loading its module. */
  public static void requireFilesystem(String type) {
    requireKernelFeature("the " + type + " filesystem", kernelKnowsFilesystem(type));
  }

  public static boolean isRoot() {
    try {
      // /proc/self belongs to the effective uid of the process that looks at it.
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The executable {@code command} on PATH or in the sbin directories, or null. */
  public static Path findTool(String command) {
    Set<String> directories = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String directory : path.split(":")) {
        if (!directory.isEmpty()) {
          directories.add(directory);
        }
      }
    }
    directories.addAll(SBIN);
    for (String directory : directories) {
      Path candidate = Path.of(directory, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean kernelKnowsFilesystem(String type) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/filesystems"))) {
        String[] fields = line.trim().split("\\s+");
        if (fields[fields.length - 1].equals(type)) {
          return true;
        }
      }
      String release = System.getProperty("os.version");
      List<Path> modules = new ArrayList<>();
      for (String base : List.of("/lib/modules/", "/usr/lib/modules/")) {
        modules.add(Path.of(base + release + "/kernel/fs/" + type));
      }
      return modules.stream().anyMatch(Files::isDirectory);
    } catch (IOException e) {
      return false;
    }
  }
}
