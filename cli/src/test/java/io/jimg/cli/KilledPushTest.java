package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.testing.RegistryServer;
import io.jimg.transfer.testing.StallingRelay;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `jimg push` processes SIGKILLed against a real docker-registry, held by a relay at the moment each test wants:
 * once in the middle of the layer's upload, once after every blob and before the manifest. After each the registry
 * has no manifest and the pool no temporary, and the push that follows sends only what the registry lacks: after the
 * second kill, no blob at all, only the manifest.
 */
class KilledPushTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  /** Only a hung push takes this long. */
  private static final long HANG_GUARD_MINUTES = 5;
  /** Past the HEADs and into the layer, which is larger by far. */
  private static final long INTO_THE_LAYER = 2L << 20;

  private static List<String> temporaries(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".#") && !n.endsWith(".lck"))
          .toList();
    }
  }

  /** The command after a kill sweeps what the killed push left in the pool. */
  private static void assertNoTemporaryAfterTheNextCommand(JimgRunner jimg, Path pool) throws Exception {
    JimgRunner.Result list = jimg.runIn(pool, "list");
    assertEquals(0, list.exitCode(), list::toString);
    assertEquals(List.of(), temporaries(pool), "no temporary of the killed push stays in the pool");
  }

  /** A push in a process of its own through {@code relay}, killed once the relay holds it. */
  private static void pushKilledAt(Path pool, StallingRelay relay, Path authFile) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--image-root=" + pool, "push", "big", "docker://127.0.0.1:" + relay.port() + "/killed:v1",
        "--tls-verify=false")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("JIMG_LOCK_DIRECTORY", JimgRunner.LOCKS.toString());
    builder.environment().put("REGISTRY_AUTH_FILE", authFile.toString());
    Process push = builder.start();
    try {
      assertTrue(relay.stalled().await(HANG_GUARD_MINUTES, TimeUnit.MINUTES), "the push reached the relay's hold");
      assertTrue(push.isAlive(), "the push is held, not finished");
    } finally {
      push.destroyForcibly(); // SIGKILL
      push.waitFor();
    }
    assertEquals(137, push.exitValue(), "killed, not finished");
  }

  @Test
  void aKilledPushLeavesNoManifestNorTemporaryAndThePushAfterSendsOnlyWhatIsMissing() throws Exception {
    Path pool = Files.createDirectories(BTRFS.root().resolve("pool"));
    Path tree = Files.createDirectories(BTRFS.root().resolve("tree/etc"));
    byte[] noise = new byte[24 << 20]; // random: the gzip layer stays as large
    new Random(16).nextBytes(noise);
    Files.write(tree.resolve("noise"), noise);
    Path authFile = BTRFS.root().resolve("auth.json");
    JimgRunner jimg = new JimgRunner().env("REGISTRY_AUTH_FILE", authFile.toString());
    assertEquals(0, jimg.runIn(pool, "import-fs", tree.getParent().toString(), "big").exitCode());

    try (RegistryServer registry = RegistryServer.start()) {
      int port = Integer.parseInt(registry.host().split(":")[1]);
      try (StallingRelay relay = StallingRelay.afterBytes(port, INTO_THE_LAYER)) {
        pushKilledAt(pool, relay, authFile);
      }
      assertNoTemporaryAfterTheNextCommand(jimg, pool);
      assertFalse(registry.requests().stream().anyMatch(r -> r.matches("\\S+ /v2/killed/blobs/uploads/\\S+ 201")),
          "killed in the layer: no blob was finished");
      try (StallingRelay relay = StallingRelay.atRequest(port, "PUT /v2/killed/manifests/")) {
        pushKilledAt(pool, relay, authFile);
      }
      assertNoTemporaryAfterTheNextCommand(jimg, pool);
      List<String> afterKills = registry.requests();
      assertEquals(2, afterKills.stream().filter(r -> r.matches("PUT /v2/killed/blobs/uploads/\\S+ 201")).count(),
          "the second push finished the layer and the config: " + afterKills);
      assertFalse(afterKills.stream().anyMatch(r -> r.startsWith("PUT /v2/killed/manifests/")), "no manifest was put");

      String reference = "docker://" + registry.host() + "/killed:v1";
      JimgRunner.Result again = jimg.runIn(pool, "--json", "push", "big", reference, "--tls-verify=false");
      assertEquals(0, again.exitCode(), again::toString);
      assertTrue(again.out().contains("\"uploaded\": 0,\n  \"skipped\": 2\n"), again::toString);
      List<String> last = registry.requests().subList(afterKills.size(), registry.requests().size());
      assertFalse(last.stream().anyMatch(r -> r.contains("/blobs/uploads/")), "no blob was sent again: " + last);
      assertEquals(List.of(), temporaries(pool), "no temporary stays in the pool");
      String manifest = Commands.run("skopeo", "inspect", "--raw", "--tls-verify=false", reference);
      assertTrue(again.out().contains("\"digest\": \"sha256:" + sha256(manifest) + "\""),
          again + " names the manifest the registry serves");
    }
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
