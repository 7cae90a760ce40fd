import io.jimg.btrfs.Fd;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.Subvolume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Snapshot-and-delete latency through jimg's engine, in one JVM after warm-up, for comparison with the C
 * probe's floor. The warm-up's snapshots are left to btrfs's cleaner before timing starts (see snapshot.sh).
 * Usage: java -cp JARS SnapshotLatency.java SOURCE_SUBVOLUME TARGET_DIRECTORY ROUNDS
 */
public class SnapshotLatency {
  /** Waits until btrfs's cleaner has dropped the warm-up's snapshots, so the timed rounds start as the probe's do. */
  private static void settle(Path onFilesystem) throws Exception {
    Process sync = new ProcessBuilder("btrfs", "subvolume", "sync", onFilesystem.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (sync.waitFor() != 0) {
      throw new IllegalStateException("btrfs subvolume sync failed");
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[2]);
    byte[] name = "snaplatency".getBytes(StandardCharsets.UTF_8);
    try (Fd source = Fd.openDirectory(Path.of(args[0]));
        Fd target = Fd.openDirectory(Path.of(args[1]))) {
      for (int i = 0; i < 20; i++) {
        Subvolume.snapshot(source, target, name, ReadOnly.NO);
        Subvolume.delete(target, name);
      }
      settle(Path.of(args[1]));
      double[] samples = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long start = System.nanoTime();
        Subvolume.snapshot(source, target, name, ReadOnly.NO);
        Subvolume.delete(target, name);
        samples[i] = (System.nanoTime() - start) / 1e3;
      }
      Arrays.sort(samples);
      System.out.printf("jimg in-process snapshot+delete: median %.0f us, mean %.0f us, p90 %.0f us (%d rounds)%n",
          samples[rounds / 2], Arrays.stream(samples).average().orElse(0), samples[rounds * 9 / 10], rounds);
    }
  }
}
