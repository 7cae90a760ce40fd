package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.pull.NginxServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client killed in the middle of a Pull it made with more (not oneway) cancels it: the download stalls after
 * 1200 KiB (nginx's /stalled/), so that the pull certainly runs when varlinkctl dies, and ends only by the cancel.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard, also on the wait for the transfer's end
class PullDisconnectTest {
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Test
  void aClientKilledMidPullCancelsItAndLeavesNoImageNorDownload() throws Exception {
    try (ServedPool served = new ServedPool(BTRFS.newDirectory("pull-kill-"))) {
      served.image("before");
      List<String> before = served.entries();
      Path tree = Files.createDirectories(served.base.resolve("tree"));
      byte[] noise = new byte[4 << 20]; // incompressible, past the 1200 KiB nginx sends before it stalls
      new Random(15).nextBytes(noise);
      Files.write(tree.resolve("noise"), noise);
      Path published = Files.createDirectories(NGINX.root().resolve("stalled"));
      Commands.run("tar", "-C", tree.toString(), "-cf", published.resolve("image.tar").toString(), ".");

      Process client = new ProcessBuilder(Varlinkctl.path().toString(), "call", "--more", served.address,
          "io.systemd.Import.Pull", "{\"remote\":\"" + NGINX.url("/stalled/image.tar") + "\",\"local\":\"half\","
              + "\"class\":\"machine\",\"type\":\"tar\",\"verify\":\"no\"}").redirectErrorStream(true).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        String line;
        boolean progressed = false;
        while (!progressed && (line = out.readLine()) != null) {
          progressed = line.contains("\"progress\"");
        }
        assertTrue(progressed, "varlinkctl printed a progress reply");
        assertEquals(1, served.root.transfers().list().size(), "the pull waits on the stalled download");

        client.destroyForcibly(); // SIGKILL: the client dies without a word
        assertEquals(137, client.waitFor());
        while (!served.root.transfers().list().isEmpty()) {
          Thread.sleep(5); // a poll's pause, leaving the service a core: bounded by the class's hang guard
        }
      } finally {
        client.destroyForcibly();
      }
      assertTrue(served.log.contains("its client hung up, cancelling"), served.log.lines().toString());
      Commands.Result listed = Varlinkctl.run("call", "--more", served.address, "io.systemd.Import.ListTransfers",
          "{}");
      assertTrue(listed.output().contains("io.systemd.Import.NoTransfers"), listed.output());
      assertEquals(before, served.entries(), "no image, no temporary, no partial download");
      assertFalse(served.root.images().exists("half"));
    }
  }
}
