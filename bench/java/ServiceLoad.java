import io.jimg.service.VarlinkClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load on jimg serve: CLIENTS connections at once, each making CALLS calls in turn of io.systemd.MachineImage List
 * (every image, with more), Clone (of SOURCE, to a name of its own) and Remove (of that clone). Prints the calls, the
 * clones the service refused for its limit of 16 transfers at once (TooManyOperations: a Remove is then not sent),
 * the errors (any other error reply, or a broken connection) and the latency's median, p99 and maximum.
 * Usage: java -cp JARS ServiceLoad.java SOCKET SOURCE CLIENTS CALLS
 */
public class ServiceLoad {
  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    String source = args[1];
    int clients = Integer.parseInt(args[2]);
    int calls = Integer.parseInt(args[3]);
    long[][] latencies = new long[clients][calls];
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<String> firstErrors = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread thread = new Thread(() -> {
        try (VarlinkClient varlink = VarlinkClient.connect(socket)) {
          start.await();
          String clone = "load-" + client;
          boolean cloned = false;
          for (int i = 0; i < calls; i++) {
            long begin = System.nanoTime();
            String error;
            if (i % 3 == 0) {
              error = call(varlink, "io.systemd.MachineImage.List", Map.of(), true);
            } else if (i % 3 == 1) {
              error = call(varlink, "io.systemd.MachineImage.Clone", Map.of("name", source, "newName", clone), false);
              cloned = error == null;
              if (error != null && error.contains(".TooManyOperations ")) {
                refused.incrementAndGet();
                error = null;
              }
            } else {
              error = cloned ? call(varlink, "io.systemd.MachineImage.Remove", Map.of("name", clone), false) : null;
            }
            latencies[client][i] = System.nanoTime() - begin;
            if (error != null) {
              errors.incrementAndGet();
              synchronized (firstErrors) {
                if (firstErrors.size() < 5) {
                  firstErrors.add(error);
                }
              }
            }
          }
        } catch (Exception e) {
          errors.incrementAndGet();
          synchronized (firstErrors) {
            firstErrors.add(e.toString());
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf("calls %d in %.1f s (%.0f/s), clones refused by the limit %d, errors %d, latency median %.2f ms, "
        + "p99 %.2f ms, max %.2f ms%n", all.length, seconds, all.length / seconds, refused.get(), errors.get(),
        all[all.length / 2] / 1e6,
        all[(int) (all.length * 0.99)] / 1e6, all[all.length - 1] / 1e6);
    firstErrors.forEach(error -> System.out.println("error: " + error));
  }

  /** Makes one call and reads all its replies; the error's name where it failed, else null. */
  private static String call(VarlinkClient varlink, String method, Map<String, Object> parameters, boolean more)
      throws Exception {
    varlink.call(method, parameters, more);
    VarlinkClient.Reply reply;
    do {
      reply = varlink.reply();
      if (reply.failed()) {
        return method + ": " + reply.error() + " " + reply.parameters();
      }
    } while (reply.continues());
    return null;
  }
}
