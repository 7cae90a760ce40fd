package io.jimg.btrfs;

import io.jimg.btrfs.testing.Commands;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What stat, getfattr, find and sha256sum say about a tree, with names relative to its root and sorted, so that two
 * trees that are copies of each other list the same. Directory sizes are left out: they depend on the filesystem.
 */
record TreeListing(String stats, String xattrs, String hardlinks, String contents) {

  static TreeListing of(Path root) {
    String stats = sorted(inside(root, "find . ! -type d -exec stat -c '%n %f %u %g %s %x %y %t %T %h' {} + ;"
        + " find . -type d -exec stat -c '%n %f %u %g %x %y %h' {} +"));
    String xattrs = sortedBlocks(inside(root, "getfattr -d -m- -h -e hex -R . 2>&1"));
    String contents = sorted(inside(root, "find . -type f -exec sha256sum {} +"));
    return new TreeListing(stats, xattrs, hardlinkGroups(root), contents);
  }

  /** Allocated and apparent bytes of one file, as du counts them. */
  static long[] usage(Path file) {
    long allocated = Long.parseLong(Commands.run("du", "-B1", file.toString()).split("\\s+")[0]);
    long apparent = Long.parseLong(Commands.run("du", "-B1", "--apparent-size", file.toString()).split("\\s+")[0]);
    return new long[] {allocated, apparent};
  }

  static String inside(Path root, String script) {
    return Commands.run("bash", "-c", "cd \"$1\" && " + script, "bash", root.toString());
  }

  /** The groups of names that share an inode (device and number), each sorted, the numbers left out. */
  private static String hardlinkGroups(Path root) {
    Map<String, List<String>> byInode = new TreeMap<>();
    for (String line : inside(root, "find . ! -type d -printf '%D:%i %n %p\\n'").split("\n")) {
      String[] fields = line.split(" ", 3);
      if (fields.length == 3 && !fields[1].equals("1")) {
        byInode.computeIfAbsent(fields[0], k -> new ArrayList<>()).add(fields[2]);
      }
    }
    return byInode.values().stream()
        .map(names -> names.stream().sorted().collect(Collectors.joining(" = ")))
        .sorted()
        .collect(Collectors.joining("\n"));
  }

  private static String sorted(String lines) {
    return Arrays.stream(lines.split("\n")).filter(l -> !l.isBlank()).sorted().collect(Collectors.joining("\n"));
  }

  private static String sortedBlocks(String text) {
    return Arrays.stream(text.split("\n\n")).map(String::strip).filter(b -> !b.isEmpty()).sorted()
        .collect(Collectors.joining("\n\n"));
  }
}
