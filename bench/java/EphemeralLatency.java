import io.jimg.images.ImageStore;
import io.jimg.runtime.PreparedRoot;
import io.jimg.runtime.PreparedRoots;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Create-and-destroy latency of an ephemeral root in-process, through the public API.
 * Usage: java -cp JIMG_CLASSPATH EphemeralLatency.java IMAGE_ROOT IMAGE ROUNDS SNAPSHOT|OVERLAY|COPY
 */
public class EphemeralLatency {
  public static void main(String[] args) throws Exception {
    ImageStore store = ImageStore.builder().imageRoot(Path.of(args[0])).build();
    PreparedRoot.Method method = PreparedRoot.Method.valueOf(args[3]);
    PreparedRoots roots = PreparedRoots.builder(store).ephemeralMethods(method).build();
    int rounds = Integer.parseInt(args[2]);
    for (int i = 0; i < Math.min(20, rounds); i++) {
      roots.ephemeral(args[1]).close(); // warm up the JIT and the bindings
    }
    long[] micros = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      try (PreparedRoot root = roots.ephemeral(args[1])) {
        if (root.method() != method) {
          throw new IllegalStateException("asked for " + method + ", got " + root.method());
        }
      }
      micros[i] = (System.nanoTime() - start) / 1000;
    }
    Arrays.sort(micros);
    System.out.printf("ephemeral %s create+destroy in-process: median %d us, p90 %d us, min %d us (%d rounds)%n",
        method, micros[rounds / 2], micros[rounds * 9 / 10], micros[0], rounds);
  }
}
