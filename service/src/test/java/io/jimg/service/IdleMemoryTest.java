package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.library.Jimg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service gives memory back once per quiet spell after work, and never while it idles or a transfer runs. */
class IdleMemoryTest {
  @TempDir Path directory;

  @Test
  void releasesOnceAfterEachSpellOfCallsAndNotWhileIdle() throws Exception {
    Jimg root = Jimg.builder().imageRoot(directory.resolve("machines")).imageLockDirectory(directory.resolve("locks"))
        .build();
    AtomicInteger releases = new AtomicInteger();
    try (VarlinkServer server = new VarlinkServer(new VarlinkService(TestService.INFO), new RecordingLog(),
        Limits.DEFAULT)) {
      server.serve(ServiceSockets.bind(directory.resolve("socket")));
      IdleMemory idle = new IdleMemory(server, root, Duration.ofMillis(50), releases::incrementAndGet);

      assertFalse(idle.releaseIfQuiet(), "a service no one called has nothing to give back");
      call(directory.resolve("socket"));
      assertTrue(idle.releaseIfQuiet());
      assertEquals(1, releases.get());
      assertFalse(idle.releaseIfQuiet(), "once per quiet spell");
      call(directory.resolve("socket"));
      call(directory.resolve("socket"));
      assertTrue(idle.releaseIfQuiet());
      assertEquals(2, releases.get());
    }
  }

  private static void call(Path socket) throws Exception {
    try (WireClient client = new WireClient(socket)) {
      client.call("{\"method\":\"org.varlink.service.GetInfo\",\"parameters\":{}}");
    }
  }
}
