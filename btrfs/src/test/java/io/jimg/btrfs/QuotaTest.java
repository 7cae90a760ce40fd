package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.KernelQgroups;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quota is a filesystem-wide switch, so each test has a filesystem of its own and builds what it needs there. A
 * limit below usage, on an image or on the pool, can always be changed and removed, in both quota modes, and no
 * group of a deleted subvolume stays behind; each case checks what the kernel holds.
 */
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

  /** "pool/image" holding 8 MiB. */
  private void poolWithImage() throws IOException {
    try (Fd root = Fd.openDirectory(btrfs.root())) {
      Subvolume.create(root, b("pool"));
      try (Fd pool = root.openDirectory("pool")) {
        Subvolume.create(pool, b("image"));
      }
    }
    Commands.run("dd", "if=/dev/urandom", "of=" + path("pool/image/data"), "bs=1M", "count=8", "conv=fsync");
  }

  /** "pool/image" with a limit of 64 MiB that switched quota on in {@code mode}; answers the image's id. */
  private long limitedImageInPool(Quota.Mode mode) throws IOException {
    poolWithImage();
    try (Fd image = Fd.openDirectory(path("pool/image"))) {
      Quota.setLimit(image, 64 * MIB, mode, true);
    }
    return subvolumeId("pool/image");
  }

  @ParameterizedTest
  @EnumSource(Quota.Mode.class)
  void aLimitBelowUsageCanBeRemoved(Quota.Mode mode) throws IOException {
    poolWithImage();
    try (Fd image = Fd.openDirectory(path("pool/image"))) {
      assertEquals(Optional.of(mode), Quota.setLimit(image, 64 * MIB, mode, true));
      assertEquals(Optional.of(mode), Quota.mode(image));
      writeCounted("pool/image/counted");
      Quota.setLimit(image, 1 * MIB);
      KernelQgroups.assertLimit(1 * MIB, path("pool/image"));
      assertTrue(Quota.usage(image).referenced() > 1 * MIB, "the limit is below usage: " + Quota.usage(image));
      KernelQgroups.assertWriteRefused(path("pool/image/more"), 4);
      Quota.setLimit(image, 512 * 1024);
      KernelQgroups.assertLimit(512 * 1024, path("pool/image"));
      Quota.setLimit(image, 64 * MIB);
      KernelQgroups.assertLimit(64 * MIB, path("pool/image"));
      Quota.setLimit(image, 1 * MIB);
      Quota.setLimit(image, -1);
      KernelQgroups.assertLimit(-1, path("pool/image"));
    }
  }

  @ParameterizedTest
  @EnumSource(Quota.Mode.class)
  void aPoolOverItsLimitStillTakesLocksAndCanBeFreed(Quota.Mode mode) throws IOException {
    poolWithImage();
    try (Fd pool = Fd.openDirectory(path("pool"))) {
      Quota.setLimit(pool, 64 * MIB, mode, false);
      writeCounted("pool/image/counted");
      Quota.setLimitOfNested(pool, 1 * MIB);
      KernelQgroups.assertLimit(1 * MIB, path("pool"));
      assertTrue(Quota.usage(pool).referenced() > 1 * MIB, "the limit is below usage: " + Quota.usage(pool));
      String line = KernelQgroups.lineOf(KernelQgroups.table(btrfs.root()), "1/" + subvolumeId("pool"));
      assertTrue(line.contains("0/" + subvolumeId("pool/image")), line);
      assertFalse(line.contains("0/" + subvolumeId("pool") + " ") || line.endsWith("0/" + subvolumeId("pool")),
          "the pool's own files (its lock files) are not counted: " + line);
      KernelQgroups.assertWriteRefused(path("pool/image/more"), 4);
      // A lock file beside the images is still made, and an image can still be snapshotted in the pool.
      Files.createFile(path("pool/.#image.lck"));
      try (Fd image = pool.openDirectory("image")) {
        Subvolume.snapshot(image, pool, b("clone"), ReadOnly.NO);
      }
      String clone = KernelQgroups.lineOf(KernelQgroups.table(btrfs.root()), "1/" + subvolumeId("pool"));
      assertTrue(clone.contains("0/" + subvolumeId("pool/clone")), "a clone joins the pool's group: " + clone);
      Quota.setLimitOfNested(pool, -1);
      KernelQgroups.assertLimit(-1, path("pool"));
    }
    Commands.run("dd", "if=/dev/zero", "of=" + path("pool/image/more"), "bs=1M", "count=4", "conv=fsync");
  }

  @ParameterizedTest
  @EnumSource(Quota.Mode.class)
  void aDeletedSubvolumeLeavesNoQgroup(Quota.Mode mode) throws IOException {
    long imageId = limitedImageInPool(mode);
    try (Fd pool = Fd.openDirectory(path("pool"))) {
      try (Fd image = pool.openDirectory("image")) {
        Subvolume.snapshot(image, pool, b("clone"), ReadOnly.NO);
      }
      long cloneId = subvolumeId("pool/clone");
      Subvolume.delete(pool, b("image"));
      Subvolume.delete(pool, b("clone"));
      Commands.run("btrfs", "subvolume", "sync", btrfs.root().toString());
      String table = KernelQgroups.table(btrfs.root());
      for (String group : new String[] {"0/" + imageId, "1/" + imageId, "0/" + cloneId, "1/" + cloneId}) {
        assertFalse(table.contains("\n" + group + " "), group + " is left:\n" + table);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Quota.Mode.class)
  void theSweepDropsGroupsOfSubvolumesDeletedByAnotherTool(Quota.Mode mode) throws IOException {
    long imageId = limitedImageInPool(mode);
    try (Fd pool = Fd.openDirectory(path("pool"))) {
      Commands.run("btrfs", "subvolume", "delete", path("pool/image").toString());
      Commands.run("btrfs", "subvolume", "sync", btrfs.root().toString());
      assertTrue(KernelQgroups.table(btrfs.root()).contains("\n1/" + imageId + " "), "btrfs leaves 1/ID behind");
      StaleQgroups.sweep(pool, 1000);
      String table = KernelQgroups.table(btrfs.root());
      assertFalse(table.contains("\n0/" + imageId + " ") || table.contains("\n1/" + imageId + " "), table);
    }
  }

  @ParameterizedTest
  @EnumSource(Quota.Mode.class)
  void usageSaysWhetherItIsExact(Quota.Mode mode) throws IOException {
    poolWithImage();
    try (Fd image = Fd.openDirectory(path("pool/image"))) {
      Quota.setLimit(image, 64 * MIB, mode, true);
      // Simple quotas count only what is written after they are switched on.
      Commands.run("dd", "if=/dev/urandom", "of=" + path("pool/image/after"), "bs=1M", "count=4", "conv=fsync");
      QuotaUsage usage = Quota.usage(image);
      assertEquals(mode == Quota.Mode.SIMPLE ? QuotaUsage.State.SIMPLE : QuotaUsage.State.CURRENT, usage.state());
      assertTrue(usage.referenced() >= (mode == Quota.Mode.SIMPLE ? 4 : 12) * MIB, usage::toString);
    }
  }

  /** 4 MiB written and committed after quota is on, so that simple quotas count it too. */
  private void writeCounted(String relative) {
    Commands.run("dd", "if=/dev/urandom", "of=" + path(relative), "bs=1M", "count=4");
    Commands.run("btrfs", "filesystem", "sync", btrfs.root().toString());
  }

  private long subvolumeId(String relative) {
    return KernelQgroups.subvolumeId(path(relative));
  }
}
