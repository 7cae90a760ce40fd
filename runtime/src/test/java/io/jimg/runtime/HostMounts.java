package io.jimg.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The host's mount table as this JVM sees it, cut to the lines that name one of a test's own directories: other
 * builds on the machine mount and unmount their own things meanwhile, which a test must not trip over.
 */
final class HostMounts {
  private HostMounts() {}

  /** The lines of /proc/self/mountinfo whose mounted directory or mount point contains one of {@code markers}. */
  static List<String> naming(String... markers) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(line -> {
          String[] fields = line.split(" ");
          return Arrays.stream(markers).anyMatch(m -> fields[3].contains(m) || fields[4].contains(m));
        })
        .toList();
  }

  /** The name that makes a temporary directory unique, as a marker for {@link #naming}. */
  static String marker(Path temporary) {
    return temporary.getFileName().toString();
  }
}
