package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An intent left by a crash is carried out after a reboot, when btrfs has given its subvolumes other device
 * numbers: the record must know the inodes it names by something that survives (once it held device numbers,
 * and a clone whose image was published before the crash lost its companion file).
 */
class IntentAfterRebootTest {
  @RegisterExtension final LoopFilesystem btrfs = LoopFilesystem.btrfs();

  private static final String ID = "00112233445566aa";

  @Test
  void aCloneCompletedBeforeARebootKeepsItsCompanionFile() throws IOException {
    Path pool = btrfs.newDirectory("pool-");
    byte[] image = FileNames.bytes(".#jimg-" + ID + ".image");
    byte[] companion = FileNames.bytes(".#jimg-" + ID + ".companion0");
    long deviceBefore;
    try (Fd poolFd = Fd.openDirectory(pool)) {
      Subvolume.create(poolFd, image);
      Files.writeString(pool.resolve(FileNames.show(companion)), "[Exec]\n");
      Intent intent = new Intent();
      intent.rename(pool, image, FileNames.bytes("img"), true, false, Fingerprint.of(poolFd, image));
      intent.rename(pool, companion, FileNames.bytes("img.nspawn"), false, false, Fingerprint.of(poolFd, companion));
      Files.writeString(pool.resolve(".#jimg-" + ID + ".lock"), "");
      Files.write(pool.resolve(".#jimg-" + ID + ".intent"), intent.commit().encode());
      // The process published the image, then died before its companion file.
      poolFd.rename(image, poolFd, FileNames.bytes("img"), 0);
      deviceBefore = poolFd.stat(FileNames.bytes("img")).device();
    }

    reboot();

    try (Fd poolFd = Fd.openDirectory(pool)) {
      assertNotEquals(deviceBefore, poolFd.stat(FileNames.bytes("img")).device(),
          "the remount was to give the subvolume another device number");
      new Sweeper(new RecordingListener(), Clock.systemUTC()).sweep(poolFd, pool);
    }
    assertEquals(List.of("img", "img.nspawn"), Pools.names(pool));
  }

  /**
   * Unmounts and mounts the filesystem again while other mounts hold the anonymous device numbers it had, as
   * the order of mounts after a boot would.
   */
  private void reboot() throws IOException {
    String mountPoint = btrfs.root().toString();
    Commands.run("umount", mountPoint);
    List<Path> holders = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Path holder = Files.createTempDirectory("jimg-anon-dev-");
        holders.add(holder);
        Commands.run("mount", "-t", "tmpfs", "jimg-test", holder.toString());
      }
      Commands.run("mount", "-o", "loop", "-t", "btrfs", btrfs.image().toString(), mountPoint);
      // Subvolumes take their numbers when first reached: reach them all while the holders still stand.
      try (Stream<Path> all = Files.walk(btrfs.root(), 3)) {
        all.forEach(path -> path.toFile().isDirectory());
      }
    } finally {
      for (Path holder : holders) {
        Commands.exec("umount", holder.toString());
        Files.deleteIfExists(holder);
      }
    }
  }
}
