package io.jimg.btrfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/**
 * Quota groups as the kernel reports them through btrfs-progs, and as it enforces them: the check on what jimg
 * asked for and on how jimg reads them back.
 */
public final class KernelQgroups {
  private KernelQgroups() {}

  /** The id of the subvolume at {@code subvolume}. */
  public static long subvolumeId(Path subvolume) {
    String show = Commands.run("btrfs", "subvolume", "show", subvolume.toString());
    for (String line : show.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("Subvolume ID:")) {
        return Long.parseLong(trimmed.substring("Subvolume ID:".length()).trim());
      }
    }
    throw new AssertionError("no subvolume id in: " + show);
  }

  /** The table of every group of the filesystem at {@code anywhere}: sizes, limits and members, in bytes. */
  public static String table(Path anywhere) {
    return Commands.run("btrfs", "qgroup", "show", "-re", "--raw", "-c", anywhere.toString());
  }

  /** The row of {@code group} (such as "1/257") in {@code table}. */
  public static String lineOf(String table, String group) {
    for (String line : table.split("\n")) {
      if (line.startsWith(group + " ")) {
        return line;
      }
    }
    throw new AssertionError(group + " not in:\n" + table);
  }

  /** The referenced-bytes limit the kernel holds for {@code group}, or -1 where it has none. */
  public static long referencedLimit(Path anywhere, String group) {
    String table = table(anywhere);
    // qgroupid rfer excl max_rfer max_excl child
    String maxReferenced = lineOf(table, group).trim().split("\\s+")[3];
    return maxReferenced.equals("none") ? -1 : Long.parseLong(maxReferenced);
  }

  /** Asserts that the kernel refuses to write {@code mebibytes} MiB to {@code file}, for the quota. */
  public static void assertWriteRefused(Path file, int mebibytes) {
    Commands.Result write = Commands.exec("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + mebibytes,
        "conv=fsync");
    assertNotEquals(0, write.exitCode(), "the kernel let " + mebibytes + " MiB through: " + write.output());
    assertTrue(write.output().contains("quota exceeded") || write.output().contains("Disk quota"), write.output());
  }

  /** Asserts that {@code subvolume}'s group of level 1, the one jimg limits, has {@code bytes} as its limit. */
  public static void assertLimit(long bytes, Path subvolume) {
    assertEquals(bytes, referencedLimit(subvolume, "1/" + subvolumeId(subvolume)), table(subvolume));
  }
}
