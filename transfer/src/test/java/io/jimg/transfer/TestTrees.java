package io.jimg.transfer;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fidelity fixture: a tree with every entry kind, and its description by tools that are not jimg's. */
public final class TestTrees {
  private TestTrees() {}

  /** Builds the tree (see make-tree.sh) at {@code directory}. */
  public static void make(Path directory) {
    for (String tool : new String[] {"setfattr", "getfattr", "setfacl", "mknod", "mkfifo", "tar"}) {
      Requirements.requireTool(tool);
    }
    Commands.run("bash", script("make-tree.sh").toString(), directory.toString());
  }

  /** One line per entry and per xattr: type, mode, owner, nanosecond mtime, devices, content digests. */
  public static String describe(Path directory) {
    return Commands.run("bash", script("describe-tree.sh").toString(), directory.toString());
  }

  /** Fails with only the lines that differ between two descriptions. */
  public static void assertSameTree(String expected, String actual) {
    java.util.List<String> want = java.util.Arrays.asList(expected.split("\n"));
    java.util.List<String> got = java.util.Arrays.asList(actual.split("\n"));
    StringBuilder diff = new StringBuilder();
    want.stream().filter(l -> !got.contains(l)).forEach(l -> diff.append("- ").append(l).append('\n'));
    got.stream().filter(l -> !want.contains(l)).forEach(l -> diff.append("+ ").append(l).append('\n'));
    org.junit.jupiter.api.Assertions.assertEquals("", diff.toString(), "trees differ");
  }

  /** Disk usage in bytes (what is allocated, so holes do not count). */
  public static long diskUsage(Path path) {
    return Long.parseLong(Commands.run("du", "-s", "-B1", path.toString()).split("\\s")[0]);
  }

  public static String bash(String script) {
    return Commands.run("bash", "-euo", "pipefail", "-c", script);
  }

  private static Path script(String name) {
    try (InputStream in = TestTrees.class.getResourceAsStream(name)) {
      Path file = Files.createTempFile("jimg-test-", "-" + name);
      file.toFile().deleteOnExit();
      Files.write(file, in.readAllBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
