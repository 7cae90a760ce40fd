package io.jimg.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the processes whose root directory is a given directory, by device and inode of /proc/PID/root. */
record RootProcesses(Object device, Object inode) {
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

  /** Waits until {@code expectAny} holds of the found processes, or the timeout passes; returns the last found. */
  List<Long> await(boolean expectAny, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      List<Long> found = find();
      if (found.isEmpty() != expectAny || System.currentTimeMillis() > deadline) {
        return found;
      }
      Thread.sleep(50);
    }
  }
}
