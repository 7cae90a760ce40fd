package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.KernelQgroups;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quota is a filesystem-wide switch, so each test has a filesystem of its own and builds what it needs there. */
class QuotaTest {
  @RegisterExtension final LoopFilesystem btrfs = LoopFilesystem.btrfs();

  private static final long MIB = 1 << 20;

  private static byte[] b(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private Path path(String relative) {
    return btrfs.root().resolve(relative);
  }

  @Test
  void quotaStaysOffUntilALimitIsAsked() throws IOException {
    try (Fd root = Fd.openDirectory(btrfs.root())) {
      Subvolume.create(root, b("unlimited"));
      try (Fd unlimited = root.openDirectory("unlimited")) {
        Subvolume.snapshot(unlimited, root, b("unlimited-copy"), ReadOnly.NO);
        Quota.setLimit(unlimited, -1);
        QuotaUsage usage = Quota.usage(unlimited);
        assertEquals(QuotaUsage.State.DISABLED, usage.state());
        assertEquals(-1, usage.referenced());
      }
    }
    Commands.Result show = Commands.exec("btrfs", "qgroup", "show", btrfs.root().toString());
    assertTrue(!show.succeeded() || !show.output().contains("0/"), "quota must still be off: " + show.output());
  }

  /** "limited", holding the subvolume "nested", with a limit of 64 MiB: the limit switches quota on. */
  private void limitedImage() throws IOException {
    try (Fd root = Fd.openDirectory(btrfs.root())) {
      Subvolume.create(root, b("limited"));
      try (Fd limited = root.openDirectory("limited")) {
        Subvolume.create(limited, b("nested"));
        Quota.setLimit(limited, 64 * MIB);
      }
    }
  }

  private void snapshot(String source, String target, ReadOnly readOnly) throws IOException {
    try (Fd root = Fd.openDirectory(btrfs.root());
        Fd from = root.openDirectory(source)) {
      Subvolume.snapshot(from, root, b(target), readOnly);
    }
  }

  @Test
  void limitCoversTheImageAndItsNestedSubvolumes() throws IOException {
    limitedImage();
    try (Fd root = Fd.openDirectory(btrfs.root())) {
      try (Fd limited = root.openDirectory("limited")) {
        QuotaUsage usage = Quota.usage(limited);
        assertEquals(QuotaUsage.State.SIMPLE, usage.state());
        assertEquals(64 * MIB, usage.limitReferenced());
      }
    }
    String groups = KernelQgroups.table(btrfs.root());
    long limitedId = subvolumeId("limited");
    long nestedId = subvolumeId("limited/nested");
    String line = KernelQgroups.lineOf(groups, "1/" + limitedId);
    assertTrue(line.contains(Long.toString(64 * MIB)), groups);
    assertTrue(line.contains("0/" + limitedId) && line.contains("0/" + nestedId), groups);
    // The kernel enforces it: writing past the limit inside the nested subvolume fails.
    KernelQgroups.assertWriteRefused(path("limited/nested/big"), 100);
  }

  @Test
  void limitSurvivesARecursiveSnapshot() throws IOException {
    limitedImage();
    snapshot("limited", "limited-clone", ReadOnly.YES);
    try (Fd clone = Fd.openDirectory(path("limited-clone"))) {
      assertEquals(64 * MIB, Quota.usage(clone).limitReferenced());
    }
    String groups = KernelQgroups.table(btrfs.root());
    String line = KernelQgroups.lineOf(groups, "1/" + subvolumeId("limited-clone"));
    assertTrue(line.contains(Long.toString(64 * MIB)), groups);
    assertTrue(line.contains("0/" + subvolumeId("limited-clone/nested")), groups);
  }

  @Test
  void clearingTheLimitAndDeletingDropTheGroup() throws IOException {
    limitedImage();
    snapshot("limited", "limited-clone", ReadOnly.YES);
    try (Fd root = Fd.openDirectory(btrfs.root())) {
      try (Fd limited = root.openDirectory("limited")) {
        Quota.setLimit(limited, -1);
        assertEquals(-1, Quota.usage(limited).limitReferenced());
      }
      long cloneId = subvolumeId("limited-clone");
      Subvolume.delete(root, b("limited-clone"));
      String groups = Commands.run("btrfs", "qgroup", "show", "--raw", btrfs.root().toString());
      assertTrue(!groups.contains("1/" + cloneId + " "), groups);
    }
  }

  @Test
  void snapshotsOfUnlimitedImagesGetNoExtraGroup() throws IOException {
    limitedImage(); // with quota on, or there would be no groups at all
    try (Fd root = Fd.openDirectory(btrfs.root())) {
      Subvolume.create(root, b("unlimited"));
    }
    snapshot("unlimited", "unlimited-2", ReadOnly.NO);
    String groups = Commands.run("btrfs", "qgroup", "show", "--raw", btrfs.root().toString());
    assertTrue(!groups.contains("1/" + subvolumeId("unlimited-2")), groups);
  }

  private long subvolumeId(String relative) {
    return KernelQgroups.subvolumeId(path(relative));
  }
}
