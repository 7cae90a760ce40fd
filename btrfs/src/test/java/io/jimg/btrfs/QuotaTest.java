package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.KernelQgroups;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quota is a filesystem-wide switch, so these run in order on one filesystem: off first, then on. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuotaTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private static final long MIB = 1 << 20;

  private static byte[] b(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private static Path path(String relative) {
    return BTRFS.root().resolve(relative);
  }

  @Test
  @Order(1)
  void quotaStaysOffUntilALimitIsAsked() throws IOException {
    try (Fd root = Fd.openDirectory(BTRFS.root())) {
      Subvolume.create(root, b("unlimited"));
      try (Fd unlimited = root.openDirectory("unlimited")) {
        Subvolume.snapshot(unlimited, root, b("unlimited-copy"), ReadOnly.NO);
        Quota.setLimit(unlimited, -1);
        QuotaUsage usage = Quota.usage(unlimited);
        assertEquals(QuotaUsage.State.DISABLED, usage.state());
        assertEquals(-1, usage.referenced());
      }
    }
    Commands.Result show = Commands.exec("btrfs", "qgroup", "show", BTRFS.root().toString());
    assertTrue(!show.succeeded() || !show.output().contains("0/"), "quota must still be off: " + show.output());
  }

  @Test
  @Order(2)
  void limitCoversTheImageAndItsNestedSubvolumes() throws IOException {
    try (Fd root = Fd.openDirectory(BTRFS.root())) {
      Subvolume.create(root, b("limited"));
      try (Fd limited = root.openDirectory("limited")) {
        Subvolume.create(limited, b("nested"));
        Quota.setLimit(limited, 64 * MIB);
        QuotaUsage usage = Quota.usage(limited);
        assertEquals(QuotaUsage.State.CURRENT, usage.state());
        assertEquals(64 * MIB, usage.limitReferenced());
        assertTrue(usage.referenced() > 0, "usage is counted: " + usage);
      }
    }
    String groups = KernelQgroups.table(BTRFS.root());
    long limitedId = subvolumeId("limited");
    long nestedId = subvolumeId("limited/nested");
    String line = KernelQgroups.lineOf(groups, "1/" + limitedId);
    assertTrue(line.contains(Long.toString(64 * MIB)), groups);
    assertTrue(line.contains("0/" + limitedId) && line.contains("0/" + nestedId), groups);
    // The kernel enforces it: writing past the limit inside the nested subvolume fails.
    KernelQgroups.assertWriteRefused(path("limited/nested/big"), 100);
  }

  @Test
  @Order(3)
  void limitSurvivesARecursiveSnapshot() throws IOException {
    try (Fd root = Fd.openDirectory(BTRFS.root());
        Fd limited = root.openDirectory("limited")) {
      Subvolume.snapshot(limited, root, b("limited-clone"), ReadOnly.YES);
      try (Fd clone = root.openDirectory("limited-clone")) {
        assertEquals(64 * MIB, Quota.usage(clone).limitReferenced());
      }
    }
    String groups = KernelQgroups.table(BTRFS.root());
    String line = KernelQgroups.lineOf(groups, "1/" + subvolumeId("limited-clone"));
    assertTrue(line.contains(Long.toString(64 * MIB)), groups);
    assertTrue(line.contains("0/" + subvolumeId("limited-clone/nested")), groups);
  }

  @Test
  @Order(4)
  void clearingTheLimitAndDeletingDropTheGroup() throws IOException {
    try (Fd root = Fd.openDirectory(BTRFS.root())) {
      try (Fd limited = root.openDirectory("limited")) {
        Quota.setLimit(limited, -1);
        assertEquals(-1, Quota.usage(limited).limitReferenced());
      }
      long cloneId = subvolumeId("limited-clone");
      Subvolume.delete(root, b("limited-clone"));
      String groups = Commands.run("btrfs", "qgroup", "show", "--raw", BTRFS.root().toString());
      assertTrue(!groups.contains("1/" + cloneId + " "), groups);
    }
  }

  @Test
  @Order(5)
  void snapshotsOfUnlimitedImagesGetNoExtraGroup() throws IOException {
    try (Fd root = Fd.openDirectory(BTRFS.root());
        Fd unlimited = root.openDirectory("unlimited")) {
      Subvolume.snapshot(unlimited, root, b("unlimited-2"), ReadOnly.NO);
    }
    String groups = Commands.run("btrfs", "qgroup", "show", "--raw", BTRFS.root().toString());
    assertTrue(!groups.contains("1/" + subvolumeId("unlimited-2")), groups);
  }

  private static long subvolumeId(String relative) {
    return KernelQgroups.subvolumeId(path(relative));
  }
}
