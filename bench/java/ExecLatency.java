import io.jimg.images.ImageStore;
import io.jimg.runtime.Exec;
import io.jimg.runtime.ExecResult;
import io.jimg.runtime.LaunchEngine;
import io.jimg.runtime.PreparedRoot;
import io.jimg.runtime.PreparedRoots;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What one test with an ephemeral root pays, in-process through the public API: acquire an ephemeral root, run
 * /bin/true in it with {@code root.exec}, release it.
 * Usage: java -cp JIMG_CLASSPATH ExecLatency.java IMAGE_ROOT IMAGE ROUNDS chroot|nspawn
 */
public class ExecLatency {
  public static void main(String[] args) throws Exception {
    ImageStore store = ImageStore.builder().imageRoot(Path.of(args[0])).build();
    PreparedRoots roots = PreparedRoots.builder(store).build();
    int rounds = Integer.parseInt(args[2]);
    LaunchEngine engine = LaunchEngine.named(args[3], store);
    Exec trueCommand = Exec.of("/bin/true").withEngine(engine);
    for (int i = 0; i < Math.min(20, rounds); i++) {
      once(roots, args[1], trueCommand); // warm up the JIT and the bindings
    }
    long[] micros = new long[rounds];
    PreparedRoot.Method method = null;
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      method = once(roots, args[1], trueCommand);
      micros[i] = (System.nanoTime() - start) / 1000;
    }
    Arrays.sort(micros);
    System.out.printf("acquire (%s) + exec /bin/true (%s) + release, in-process: median %.1f ms, p90 %.1f ms,"
        + " min %.1f ms (%d rounds)%n", method, engine.name(), micros[rounds / 2] / 1000.0,
        micros[rounds * 9 / 10] / 1000.0, micros[0] / 1000.0, rounds);
  }

  private static PreparedRoot.Method once(PreparedRoots roots, String image, Exec command) throws Exception {
    try (PreparedRoot root = roots.ephemeral(image)) {
      ExecResult result = root.exec(command);
      if (!result.succeeded()) {
        throw new IllegalStateException("/bin/true failed in " + root + ": " + result);
      }
      return root.method();
    }
  }
}
