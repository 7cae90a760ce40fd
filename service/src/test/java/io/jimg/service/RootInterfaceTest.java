package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * io.jimg.Root: an ephemeral root lives exactly as long as its call; a client killed outright (SIGKILL of
 * varlinkctl) takes it with it, and the pool is as it was.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard, also on the waits for the root's removal
class RootInterfaceTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final Pattern PATH = Pattern.compile("\"path\"\\s*:\\s*\"([^\"]+)\"");

  private ServedPool served;

  @BeforeEach
  void start() throws Exception {
    served = new ServedPool(BTRFS.newDirectory("root-"));
  }

  @AfterEach
  void stop() {
    served.close();
  }

  /** Polls the pool until its entries are {@code expected} again: the removal is an event of the service's. */
  private void awaitEntries(List<String> expected) throws Exception {
    while (!served.entries().equals(expected)) {
      Thread.sleep(5); // a poll's pause, leaving the service a core: the loop is bounded by the class's hang guard
    }
  }

  @Test
  void aRootLivesWhileItsClientDoesAndGoesWhenTheClientIsKilled() throws Exception {
    served.image("debian");
    List<String> before = served.entries();
    Process client = new ProcessBuilder(Varlinkctl.path().toString(), "call", "--more", served.address,
        "io.jimg.Root.AcquireEphemeral", "{\"image\":\"debian\"}").redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      Path root = null;
      String line;
      while (root == null && (line = out.readLine()) != null) {
        Matcher matcher = PATH.matcher(line);
        if (matcher.find()) {
          root = Path.of(matcher.group(1));
        }
      }
      assertNotNull(root, "varlinkctl printed the root's path");
      assertTrue(root.getFileName().toString().startsWith(".#jimg-"), root.toString());
      assertEquals(served.pool, root.getParent(), "the root is a hidden entry of the pool");
      assertEquals("ID=debian\nVERSION_ID=12\n", Files.readString(root.resolve("etc/os-release")),
          "the root holds the image's files");
      Files.writeString(root.resolve("scratch"), "the root is writable");
      assertTrue(client.isAlive(), "the call stays open while the root lives");

      client.destroyForcibly(); // SIGKILL: the client dies without a word
      assertEquals(137, client.waitFor());
      awaitEntries(before);
      assertFalse(Files.exists(root));
      assertTrue(served.log.contains("released: its client hung up"), served.log.lines().toString());
      assertFalse(Files.exists(served.pool.resolve("debian/scratch")), "the image itself is untouched");
    } finally {
      client.destroyForcibly();
    }
  }

  @Test
  void aMissingImageIsNoSuchImageAndACallWithoutMoreIsRefused() {
    Commands.Result missing = Varlinkctl.run("call", "--more", served.address, "io.jimg.Root.AcquireEphemeral",
        "{\"image\":\"absent\"}");
    assertTrue(missing.output().contains("io.jimg.Root.NoSuchImage"), missing.output());
    Commands.Result once = Varlinkctl.run("call", served.address, "io.jimg.Root.AcquireEphemeral",
        "{\"image\":\"absent\"}");
    assertTrue(once.output().contains("org.varlink.service.ExpectedMore"), once.output());
  }

  @Test
  void aUserOtherThanRootIsRefused() throws Exception {
    served.image("debian");
    List<String> before = served.entries();
    Commands.Result refused = Varlinkctl.runAsNobody("call", "--more", served.address,
        "io.jimg.Root.AcquireEphemeral", "{\"image\":\"debian\"}");
    assertTrue(refused.output().contains("org.varlink.service.PermissionDenied"), refused.output());
    assertEquals(before, served.entries());
  }

  @Test
  void introspectionParses() {
    String idl = Varlinkctl.succeeded(Varlinkctl.run("introspect", served.address, "io.jimg.Root"));
    assertTrue(idl.contains("method AcquireEphemeral("), idl);
  }
}
