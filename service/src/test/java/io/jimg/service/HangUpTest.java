package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A handler that streams hears its client hang up (a pull cancels its transfer so), and only then. */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class HangUpTest {
  private static final String IDL = """
      interface io.jimg.hangup

      # Runs until its client hangs up, or answers at once where told to.
      method Wait(now: bool) -> (hungUp: bool)
      """;

  @TempDir Path directory;

  private final CountDownLatch waiting = new CountDownLatch(1);
  private final CountDownLatch hungUp = new CountDownLatch(1);
  private final AtomicInteger actions = new AtomicInteger();

  private VarlinkServer serve(RecordingLog log) throws Exception {
    VarlinkService service = new VarlinkService(TestService.INFO);
    service.register(VarlinkInterface.describedBy(IDL).method("Wait", VarlinkInterface.Access.READ_ONLY, call -> {
      call.onHangUp(() -> {
        actions.incrementAndGet();
        hungUp.countDown();
      });
      if (Boolean.TRUE.equals(call.parameters().get("now"))) {
        call.reply(Map.of("hungUp", false));
        return;
      }
      waiting.countDown();
      try {
        call.reply(Map.of("hungUp", hungUp.await(5, TimeUnit.MINUTES)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    VarlinkServer server = new VarlinkServer(service, log, Limits.DEFAULT);
    server.serve(ServiceSockets.bind(directory.resolve("hangup")));
    return server;
  }

  @Test
  void aClientThatClosesItsConnectionMidCallRunsTheHangUpActionOnce() throws Exception {
    RecordingLog log = new RecordingLog();
    try (VarlinkServer server = serve(log)) {
      WireClient client = new WireClient(directory.resolve("hangup"));
      client.call("{\"method\":\"io.jimg.hangup.Wait\",\"parameters\":{\"now\":false},\"more\":true}");
      waiting.await();
      client.close();
      hungUp.await();
      assertTrue(server.awaitIdle(TimeUnit.MINUTES.toMillis(5)), "the connection was released");
      assertEquals(1, actions.get());
    }
  }

  @Test
  void aCallThatEndsWhileItsClientStaysRunsNoActionAndLeavesTheConnectionServing() throws Exception {
    try (VarlinkServer server = serve(new RecordingLog());
        WireClient client = new WireClient(directory.resolve("hangup"))) {
      for (int i = 0; i < 3; i++) {
        assertEquals(Map.of("parameters", Map.of("hungUp", false)),
            client.ask("{\"method\":\"io.jimg.hangup.Wait\",\"parameters\":{\"now\":true}}"));
      }
      client.close();
      assertTrue(server.awaitIdle(TimeUnit.MINUTES.toMillis(5)));
      assertEquals(0, actions.get(), "a hang-up after the call's end is no call's");
    }
  }
}
