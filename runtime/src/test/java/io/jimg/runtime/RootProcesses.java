package io.jimg.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Finds the processes whose root directory is a given directory, by device and inode of /proc/PID/root. */
record RootProcesses(Object device, Object inode) {
  /** Only a hung test waits this long. */
  static final long HANG_GUARD_MINUTES = 5;

  static RootProcesses of(Path root) throws IOException {
    return new RootProcesses(Files.getAttribute(root, "unix:dev"), Files.getAttribute(root, "unix:ino"));
  }

  List<Long> find() throws IOException {
    List<Long> found = new ArrayList<>();
    try (var entries = Files.list(Path.of("/proc"))) {
      for (Path process : entries.toList()) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          Path root = process.resolve("root");
          if (device.equals(Files.getAttribute(root, "unix:dev")) && inode.equals(Files.getAttribute(root, "unix:ino"))) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // gone, or a zombie without a root
        }
      }
    }
    return found;
  }

  /**
   * Waits for every process in the root to end: for the exit of each one found, then looks again, until none is
   * left. Returns the empty list; only a process that outlives the hang guard fails the test.
   */
  List<Long> awaitNone() throws Exception {
    for (List<Long> found = find(); ; found = find()) {
      if (found.isEmpty()) {
        return found;
      }
      for (long pid : found) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent()) {
          try {
            process.get().onExit().get(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
          } catch (TimeoutException e) {
            throw new AssertionError("process " + pid + " is still running in the root: " + found, e);
          }
        }
      }
    }
  }
}
