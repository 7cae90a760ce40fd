package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.UnixSockets;
import io.jimg.btrfs.NativeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile messages, generated and mutated from a fixed seed: every one is answered (a reply or an error) or its
 * connection closed, never a hang; afterwards the service still answers, and no thread or descriptor is left.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard: a stuck connection must fail, not hang the build
class FuzzTest {
  private static final int MESSAGES = 10_000;
  private static final String SENTINEL = "{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"sentinel\"}}\0";
  private static final List<String> VALID = List.of(
      "{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"a\",\"number\":1,\"color\":\"red\","
          + "\"item\":{\"name\":\"n\",\"tags\":[\"t\"],\"labels\":{\"k\":\"v\"}}}}",
      "{\"method\":\"io.jimg.test.Count\",\"parameters\":{\"count\":3},\"more\":true}",
      "{\"method\":\"io.jimg.test.Fail\",\"parameters\":{\"name\":\"x\"}}",
      "{\"method\":\"io.jimg.test.Change\",\"parameters\":{\"name\":\"x\"}}",
      "{\"method\":\"io.jimg.test.Watch\",\"more\":true}",
      "{\"method\":\"org.varlink.service.GetInfo\",\"parameters\":{}}",
      "{\"method\":\"org.varlink.service.GetInterfaceDescription\",\"parameters\":{\"interface\":\"io.jimg.test\"}}",
      "{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"b\"},\"oneway\":true}");

  @TempDir Path directory;

  @Test
  void hostileMessagesAreAnsweredOrCloseTheirConnectionAndLeaveNothingBehind() throws Exception {
    try (TestService service = new TestService(directory); Fd dir = Fd.openDirectory(directory);
        Fd elsewhere = UnixSockets.listen(dir, FileNames.bytes("elsewhere"), 0600, 1);
        Fd passed = UnixSockets.connect(directory.resolve("elsewhere"))) {
      Random random = new Random(20261207L);
      int closed = exchange(service, random, 200, passed); // every kind, so that lazily loaded classes are in
      assertTrue(service.server.awaitIdle(TimeUnit.MINUTES.toMillis(2)));
      long descriptors = openSockets();
      long threads = serviceThreads();

      closed += exchange(service, random, MESSAGES, passed);

      assertTrue(service.server.awaitIdle(TimeUnit.MINUTES.toMillis(2)), "every connection ended");
      assertEquals(descriptors, openSockets(), "sockets open before and after");
      assertEquals(threads, serviceThreads(), "the service's threads before and after");
      assertTrue(closed > MESSAGES / 10 && closed < MESSAGES, "some messages closed their connection: " + closed);
      try (WireClient client = new WireClient(service.socket)) {
        Map<String, Object> info = client.ask("{\"method\":\"org.varlink.service.GetInfo\"}");
        assertTrue(info != null && info.containsKey("parameters"), String.valueOf(info));
      }
    }
  }

  /**
   * Sends {@code count} messages, each followed by a sentinel call, some with {@code passed} (a socket, so that
   * a copy the service failed to close shows in the count); returns how many closed their connection.
   */
  private static int exchange(TestService service, Random random, int count, Fd passed) throws Exception {
    int closed = 0;
    WireClient client = new WireClient(service.socket);
    try {
      for (int i = 0; i < count; i++) {
        byte[] message = generate(random, i);
        try {
          if (i % 10 >= 8 && random.nextBoolean()) {
            client.send(message, List.of(passed));
          } else if (random.nextInt(4) == 0) {
            sendInPieces(client, message, random);
          } else {
            client.send(message);
          }
          client.send(SENTINEL);
        } catch (NativeException e) {
          // The service closed the connection while the message was on its way: as good as an answer.
        }
        if (!answeredBeforeSentinel(client)) {
          closed++;
          client.close();
          client = new WireClient(service.socket);
        }
      }
    } finally {
      client.close();
    }
    return closed;
  }

  /** Reads replies up to the sentinel's; false where the connection was closed first. */
  private static boolean answeredBeforeSentinel(WireClient client) throws Exception {
    while (true) {
      Map<String, Object> reply = client.reply();
      if (reply == null) {
        return false;
      }
      if (Map.of("parameters", Map.of("text", "sentinel")).equals(reply)) {
        return true;
      }
      assertTrue(reply.containsKey("parameters") || reply.containsKey("error"), reply.toString());
    }
  }

  private static void sendInPieces(WireClient client, byte[] message, Random random) throws Exception {
    int at = 0;
    while (at < message.length) {
      int piece = Math.min(message.length - at, 1 + random.nextInt(16));
      client.send(Arrays.copyOfRange(message, at, at + piece));
      at += piece;
    }
  }

  private static byte[] generate(Random random, int index) throws IOException {
    byte[] valid = VALID.get(random.nextInt(VALID.size())).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (index % 10) {
      case 0 -> out.write(Arrays.copyOf(valid, random.nextInt(valid.length))); // truncated
      case 1 -> out.write(mutated(valid, random));
      case 2 -> out.write(call("io.jimg.test.Echo", "{\"text\":" + wrongValue(random) + "}"));
      case 3 -> out.write(call(random.nextBoolean() ? "io.jimg.none.Method" : "io.jimg.test.Method" + index, "{}"));
      case 4 -> out.write(call("io.jimg.test.Echo", "{\"text\":\"a\",\"field" + index + "\":1}"));
      case 5 -> out.write(call("io.jimg.test.Echo", "{\"text\":\"" + "x".repeat(huge(random)) + "\"}"));
      case 6 -> {
        int depth = 1 + random.nextInt(200);
        out.write(call("io.jimg.test.Echo", "{\"text\":\"a\",\"extra\":" + "{\"a\":".repeat(depth) + "1"
            + "}".repeat(depth) + "}"));
      }
      case 7 -> out.write(call("io.jimg.test.Echo", random.nextBoolean() ? "{\"text\":\"a\\u0000b\"}"
          : "{\"text\":\"a\0b\"}"));
      case 8 -> {
        byte[] invalid = valid.clone();
        invalid[random.nextInt(invalid.length)] = (byte) (0x80 + random.nextInt(0x80));
        out.write(invalid);
      }
      default -> out.write(valid);
    }
    out.write(0);
    return out.toByteArray();
  }

  private static byte[] call(String method, String parameters) {
    return ("{\"method\":\"" + method + "\",\"parameters\":" + parameters + "}").getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes changed, dropped or doubled, none of them a NUL (which would only end the message early). */
  private static byte[] mutated(byte[] valid, Random random) {
    byte[] bytes = valid.clone();
    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(3)) {
        case 0 -> bytes[at] = (byte) (1 + random.nextInt(255));
        case 1 -> bytes = concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, Math.min(at + 1, bytes.length),
            bytes.length));
        default -> bytes = concat(Arrays.copyOf(bytes, at + 1), Arrays.copyOfRange(bytes, at, bytes.length));
      }
      if (bytes.length == 0) {
        bytes = new byte[] {'{'};
      }
    }
    return bytes;
  }

  private static String wrongValue(Random random) {
    return List.of("1", "1.5", "true", "null", "[]", "{}", "[\"a\"]", "-0", "1e999").get(random.nextInt(9));
  }

  /** Mostly large, sometimes beyond the 16 MiB limit. */
  private static int huge(Random random) {
    return random.nextInt(50) == 0 ? Limits.MAX_MESSAGE + 1 : 1 << (10 + random.nextInt(10));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  /**
   * This process's open sockets: the descriptors the service could leak (connections, descriptors passed with a
   * message). Others are left out, as the JVM opens and closes files of its own (class files, pipes of processes
   * earlier tests started, closed when collected) at any time.
   */
  private static long openSockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
          return false; // closed since it was listed: the directory's own descriptor
        }
      }).count();
    }
  }

  /** The service's threads alive (other threads of the JVM come and go as they please). */
  private static long serviceThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("varlink-"))
        .count();
  }
}
