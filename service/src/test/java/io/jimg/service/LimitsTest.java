package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What one client, or many, may hold of the service, and that no client holds up another. */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard: a stuck server must fail the test, not the build
class LimitsTest {
  @TempDir Path directory;

  @Test
  void aMessageLargerThanTheLimitClosesTheConnection() throws Exception {
    try (TestService service = new TestService(directory, new Limits(8, 4, 64 << 10, 1 << 20, 4));
        WireClient big = new WireClient(service.socket); WireClient fits = new WireClient(service.socket)) {
      String text = "x".repeat(60 << 10);
      assertEquals(Map.of("parameters", Map.of("text", text)),
          fits.ask("{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"" + text + "\"}}"));
      byte[] endless = new byte[16 << 10];
      Arrays.fill(endless, (byte) ' ');
      big.send("{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"");
      for (int i = 0; i < 5; i++) {
        if (!big.sendUnlessClosed(endless)) {
          break; // the service may close it as soon as it has read past the limit, before the last piece
        }
      }
      assertNull(big.reply(), "closed");
      assertTrue(service.log.contains("a message larger than 65536 bytes"), service.log.lines().toString());
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
    try (TestService service = new TestService(directory, new Limits(2, 2, 64 << 10, 1 << 20, 4));
        WireClient first = new WireClient(service.socket); WireClient second = new WireClient(service.socket);
        WireClient third = new WireClient(service.socket)) {
      assertEquals(Map.of("parameters", Map.of("text", "1")), first.ask(echo("1")));
      assertEquals(Map.of("parameters", Map.of("text", "2")), second.ask(echo("2")));
      assertNull(third.ask(echo("3")), "the third connection is closed");
      assertTrue(service.log.contains("2 connections are open"), service.log.lines().toString());
    }
  }

  @Test
  void aUserOtherThanRootHasAConnectionLimitOfItsOwnAndRootHasNone() throws Exception {
    Varlinkctl.path();
    try (TestService service = new TestService(directory, new Limits(16, 1, 64 << 10, 1 << 20, 4))) {
      String address = "unix:" + service.socket;
      CompletableFuture<Commands.Result> blocked = CompletableFuture.supplyAsync(
          () -> Varlinkctl.runAsNobody("call", address, "io.jimg.test.Block", "{}"));
      assertTrue(service.test.blocking.await(20, TimeUnit.SECONDS), () -> "the first call of uid 65534 is not "
          + "being served: " + blocked.getNow(null) + " " + service.log.lines());
      Commands.Result refused = Varlinkctl.runAsNobody("call", address, "io.jimg.test.Echo", "{\"text\":\"a\"}");
      assertNotEquals(0, refused.exitCode(), refused.output());
      assertTrue(service.log.contains("uid 65534 gid 65534: its user has 1 connections open"),
          service.log.lines().toString());
      try (WireClient root = new WireClient(service.socket); WireClient again = new WireClient(service.socket)) {
        assertEquals(Map.of("parameters", Map.of("text", "r")), root.ask(echo("r")));
        assertEquals(Map.of("parameters", Map.of("text", "r")), again.ask(echo("r")));
      }
      service.test.unblock.countDown();
      assertEquals(0, blocked.get(2, TimeUnit.MINUTES).exitCode());
    }
  }

  @Test
  void aStalledClientHoldsUpNoOtherClient() throws Exception {
    try (TestService service = new TestService(directory);
        WireClient stalled = new WireClient(service.socket); WireClient blocked = new WireClient(service.socket);
        WireClient other = new WireClient(service.socket)) {
      // Its connection is being served (it was answered), and then it stops in the middle of a message.
      assertEquals(Map.of("parameters", Map.of("text", "s")), stalled.ask(echo("s")));
      stalled.send("{\"method\":\"io.jimg.test.Echo\",\"param".getBytes(StandardCharsets.US_ASCII));
      // Another client's handler is busy (and stays so until the latch is released).
      blocked.call("{\"method\":\"io.jimg.test.Block\"}");
      assertTrue(service.test.blocking.await(2, TimeUnit.MINUTES));
      for (int i = 0; i < 3; i++) {
        assertEquals(Map.of("parameters", Map.of("text", "o" + i)), other.ask(echo("o" + i)));
      }
      service.test.unblock.countDown();
      assertEquals(Map.of("parameters", Map.of()), blocked.reply());
      stalled.send("eters\":{\"text\":\"late\"}}\0".getBytes(StandardCharsets.US_ASCII));
      assertEquals(Map.of("parameters", Map.of("text", "late")), stalled.reply());
    }
  }

  @Test
  void tooManyDescriptorsWithOneMessageCloseTheConnection() throws Exception {
    try (TestService service = new TestService(directory, new Limits(8, 8, 64 << 10, 1 << 20, 2));
        WireClient client = new WireClient(service.socket);
        io.jimg.btrfs.Fd a = io.jimg.btrfs.Fd.openDirectory(directory);
        io.jimg.btrfs.Fd b = io.jimg.btrfs.Fd.openDirectory(directory);
        io.jimg.btrfs.Fd c = io.jimg.btrfs.Fd.openDirectory(directory)) {
      client.send("{\"method\":\"io.jimg.test.ReadDescriptors\"}\0".getBytes(StandardCharsets.US_ASCII),
          List.of(a, b, c));
      assertNull(client.reply());
      assertTrue(service.log.contains("more than 2 descriptors with one message"), service.log.lines().toString());
    }
  }

  private static String echo(String text) {
    return "{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"" + text + "\"}}";
  }
}
