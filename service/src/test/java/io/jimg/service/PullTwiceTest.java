package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.pull.NginxServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Pulls of one URL into one image at once: the second waits for the first and shares its result, as a second jimg
 * pull waits on the first's lock on the URL, instead of failing AlreadyInProgress; nginx serves the file once. The
 * download is slowed after 1100 KiB (nginx's /stall/), so that the first pull certainly runs when the second comes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class PullTwiceTest {
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

  @Test
  void aSecondPullOfTheSameUrlWaitsForTheFirstAndSharesItsOneDownload() throws Exception {
    try (ServedPool served = new ServedPool(BTRFS.newDirectory("pull-twice-"))) {
      Path tree = Files.createDirectories(served.base.resolve("tree"));
      byte[] noise = new byte[1180 << 10]; // incompressible, a little past the 1100 KiB nginx sends at full speed
      new Random(16).nextBytes(noise);
      Files.write(tree.resolve("noise"), noise);
      Path published = Files.createDirectories(NGINX.root().resolve("stall"));
      Commands.run("tar", "-C", tree.toString(), "-cf", published.resolve("twice.tar").toString(), ".");
      String pull = "{\"remote\":\"" + NGINX.url("/stall/twice.tar") + "\",\"local\":\"twice\",\"class\":\"machine\","
          + "\"type\":\"tar\",\"verify\":\"no\"}";

      Process first = varlinkctl(served, pull);
      Process second = null;
      try {
        BufferedReader firstOut = reader(first);
        String firstId = firstId(firstOut);
        assertEquals(1, served.root.transfers().list().size(), "the first pull runs");
        second = varlinkctl(served, pull);
        String secondId = firstId(reader(second));
        assertEquals(firstId, secondId, "the second call follows the first's transfer");

        String firstRest = rest(firstOut);
        assertEquals(0, first.waitFor(), firstRest);
        String secondRest = rest(reader(second));
        assertEquals(0, second.waitFor(), secondRest);
      } finally {
        first.destroyForcibly();
        if (second != null) {
          second.destroyForcibly();
        }
      }
      assertTrue(served.root.images().exists("twice"));
      assertEquals(1, NGINX.accessLog().stream().filter(line -> line.startsWith("GET /stall/twice.tar ")).count(),
          NGINX.accessLog().toString());
      assertTrue(served.log.contains("joined by"), served.log.lines().toString());
    }
  }

  private static Process varlinkctl(ServedPool served, String parameters) throws IOException {
    return new ProcessBuilder(Varlinkctl.path().toString(), "call", "--more", served.address, "io.systemd.Import.Pull",
        parameters).redirectErrorStream(true).start();
  }

  private static BufferedReader reader(Process process) {
    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The transfer's id, from the first reply varlinkctl prints (a JSON object over several lines). */
  private static String firstId(BufferedReader out) throws IOException {
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher id = ID.matcher(line);
      if (id.find()) {
        return id.group(1);
      }
    }
    throw new AssertionError("no id in: " + seen);
  }

  private static String rest(BufferedReader out) throws IOException {
    StringBuilder rest = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      rest.append(line).append('\n');
    }
    return rest.toString();
  }
}
