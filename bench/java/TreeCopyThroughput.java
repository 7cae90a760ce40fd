import io.jimg.btrfs.CopyProgress;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.TreeCopy;
import io.jimg.btrfs.Trees;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * TreeCopy.copy and Trees.remove of one tree, in one JVM after a warm-up round, for comparison with cp -a and
 * rm -rf on the same filesystem. Usage: java -cp JARS TreeCopyThroughput.java SOURCE TARGET_DIRECTORY ROUNDS
 */
public class TreeCopyThroughput {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[2]);
    byte[] name = "treecopy".getBytes(StandardCharsets.UTF_8);
    long[] totals = new long[2];
    CopyProgress progress = (bytes, entries) -> {
      totals[0] = bytes;
      totals[1] = entries;
    };
    try (Fd source = Fd.openDirectory(Path.of(args[0])); Fd target = Fd.openDirectory(Path.of(args[1]))) {
      TreeCopy.copy(source, target, name, progress);
      Trees.remove(target, name);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double[] cpu = new double[rounds];
      double[] copies = new double[rounds];
      double[] removals = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        TreeCopy.copy(source, target, name, progress);
        long copied = System.nanoTime();
        cpu[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        target.syncfs();
        Trees.remove(target, name);
        copies[i] = (copied - start) / 1e6;
        removals[i] = (System.nanoTime() - copied) / 1e6;
      }
      Arrays.sort(copies);
      Arrays.sort(cpu);
      Arrays.sort(removals);
      System.out.printf("jimg TreeCopy: %d entries, %d MB: copy median %.0f ms (CPU %.0f ms), remove (with syncfs) median %.0f ms"
          + " (%d rounds)%n", totals[1], totals[0] >> 20, copies[rounds / 2], cpu[rounds / 2], removals[rounds / 2], rounds);
    }
  }
}
