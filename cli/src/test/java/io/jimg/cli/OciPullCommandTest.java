package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Layer;
import io.jimg.images.Origin;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.testing.DebianOciImages;
import io.jimg.transfer.testing.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code jimg pull} of OCI images as a person types it: umoci's Debian images pushed by skopeo to docker-registry
 * (plain, and with TLS and passwords), and local layouts and archives, pulled, run (the entrypoint with nspawn),
 * shared with a second image, cleaned; short names as registries.conf resolves them; a corrupt layer.
 */
class OciPullCommandTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs().size(3L << 30);

  static DebianOciImages images;
  static RegistryServer registry;

  private final JimgRunner jimg = new JimgRunner();

  @BeforeAll
  static void pushImages() throws Exception {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    images = DebianOciImages.get();
    registry = images.startRegistry();
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void pullRunASecondImageOnTheSameBaseAndCleanTheLayersNoImageNeeds() throws Exception {
    Path pool = BTRFS.newDirectory("pool");
    JimgRunner.Result pulled = jimg.runIn(pool, "pull", "--tls-verify=no", "docker://" + registry.host() + "/deb:app");
    assertEquals(0, pulled.exitCode(), pulled::toString);
    assertTrue(pulled.out().matches("Pulled deb \\(sha256:[0-9a-f]{64}, 3 layers, 0 of them already in the pool\\)\\.\n"),
        pulled::toString);
    TestTrees.assertSameTree(images.described("app"), TestTrees.describe(pool.resolve("deb")));
    Origin origin = JimgRunner.store(pool).build().show("deb").origin();
    assertEquals(List.of("pull-oci", "docker://" + registry.host() + "/deb:app", "digest"),
        List.of(origin.kind(), origin.source(), origin.verified()));
    assertTrue(pulled.out().contains("sha256:" + origin.sha256() + ","), pulled::toString);
    assertTrue(Files.readString(pool.resolve("deb.nspawn")).contains("Parameters=" + DebianOciImages.CMD + "\n"));

    JimgRunner.Result ran = jimg.runIn(pool, "run", "--engine=chroot", "deb", "--", "/bin/sh", "-c",
        "cat /etc/x > /ran");
    assertEquals(0, ran.exitCode(), ran::toString);
    assertEquals(DebianOciImages.X, Files.readString(pool.resolve("deb/ran")));

    JimgRunner.Result second = jimg.runIn(pool, "pull", "--tls-verify=no", "--read-only",
        "docker://" + registry.host() + "/deb:app2", "second");
    assertEquals(0, second.exitCode(), second::toString);
    assertTrue(second.out().contains("2 layers, 1 of them already in the pool"), second::toString);
    assertTrue(JimgRunner.store(pool).build().show("second").readOnly());

    assertEquals(0, jimg.runIn(pool, "remove", "deb").exitCode());
    JimgRunner.Result cleaned = jimg.runIn(pool, "clean");
    assertEquals(0, cleaned.exitCode(), cleaned::toString);
    List<String> kept = JimgRunner.store(pool).build().layers().list().stream().map(Layer::chainId).toList();
    assertEquals(2, kept.size(), "the base and second's own layer stay; deb's two are gone: " + kept);
    assertEquals("second\n", Files.readString(pool.resolve("second/etc/second")));
  }

  /**
   * What a newcomer does first: pull a multi-layer image from a registry, run something in it that changes it,
   * push it back under another tag, and pull that on a second pool, which gets the changed tree whole, settings
   * included.
   */
  @Test
  void pullRunChangePushAndPullOnASecondPool() throws Exception {
    Path first = BTRFS.newDirectory("first");
    String registryHost = "docker://" + registry.host();
    assertEquals(0, jimg.runIn(first, "pull", "--tls-verify=no", registryHost + "/deb:app").exitCode());
    JimgRunner.Result changed = jimg.runIn(first, "run", "--engine=chroot", "deb", "--", "/bin/sh", "-c",
        "echo changed > /etc/changed && rm /etc/x");
    assertEquals(0, changed.exitCode(), changed::toString);
    JimgRunner.Result pushed = jimg.runIn(first, "push", "--tls-verify=no", "deb", registryHost + "/deb:changed");
    assertEquals(0, pushed.exitCode(), pushed::toString);

    Path second = BTRFS.newDirectory("second");
    JimgRunner.Result pulled = jimg.runIn(second, "pull", "--tls-verify=no", registryHost + "/deb:changed", "copy");
    assertEquals(0, pulled.exitCode(), pulled::toString);
    assertEquals("changed\n", Files.readString(second.resolve("copy/etc/changed")));
    assertFalse(Files.exists(second.resolve("copy/etc/x")), "a file removed in the first pool is gone");
    TestTrees.assertSameTree(TestTrees.describe(first.resolve("deb")), TestTrees.describe(second.resolve("copy")));
    assertTrue(Files.readString(second.resolve("copy.nspawn")).contains("Parameters=" + DebianOciImages.CMD + "\n"),
        "the entrypoint came back through the config");
  }

  /** The layers are a cache bounded as the pull cache is: after a pull, --cache-max evicts those no image needs. */
  @Test
  void cacheMaxEvictsTheLayersNoImageNeedsAfterAPull() throws Exception {
    Path pool = BTRFS.newDirectory("bounded");
    String registryHost = "docker://" + registry.host();
    assertEquals(0, jimg.runIn(pool, "pull", "--tls-verify=no", registryHost + "/deb:app").exitCode());
    assertEquals(0, jimg.runIn(pool, "remove", "deb").exitCode());
    assertEquals(3, JimgRunner.store(pool).build().layers().list().size(), "removing an image keeps its layers");

    JimgRunner.Result bounded = jimg.runIn(pool, "pull", "--tls-verify=no", "--cache-max=0",
        registryHost + "/deb:app2", "second");
    assertEquals(0, bounded.exitCode(), bounded::toString);
    assertTrue(bounded.out().contains("2 layers, 1 of them already in the pool"), bounded::toString);
    assertEquals(2, JimgRunner.store(pool).build().layers().list().size(),
        "deb's two layers of its own are evicted; the shared base and second's layer stay");
    assertEquals("second\n", Files.readString(pool.resolve("second/etc/second")));
    assertEquals(2, jimg.runIn(pool, "pull", "--tls-verify=no", "--cache-max=lots", registryHost + "/deb:app2",
        "third").exitCode());
  }

  @Test
  void aRegistryWithTlsAndPasswordsTakesCaFileAndCreds() throws Exception {
    try (RegistryServer secure = RegistryServer.start(true, true)) {
      images.push(secure, "app2", "team/deb", "v1");
      Path pool = BTRFS.newDirectory("secure");
      String reference = "docker://" + secure.host() + "/team/deb:v1";
      JimgRunner.Result noPassword = jimg.runIn(pool, "pull", "--ca-file=" + secure.caFile(),
          "--creds=" + RegistryServer.USER, reference);
      assertEquals(2, noPassword.exitCode(), noPassword::toString);
      assertEquals("jimg: --creds=jimg has no password and there is no terminal to ask for it on: write"
          + " --creds=USER:PASSWORD\n", noPassword.err());

      JimgRunner.Result untrusted = jimg.runIn(pool, "pull", "--creds=" + RegistryServer.USER + ":"
          + RegistryServer.PASSWORD, reference);
      assertTrue(untrusted.exitCode() != 0 && untrusted.err().startsWith("jimg: "), untrusted::toString);

      JimgRunner.Result pulled = jimg.runIn(pool, "pull", "--ca-file=" + secure.caFile(),
          "--creds=" + RegistryServer.USER + ":" + RegistryServer.PASSWORD, reference, "fromtls");
      assertEquals(0, pulled.exitCode(), pulled::toString);
      assertEquals("second\n", Files.readString(pool.resolve("fromtls/etc/second")));
      assertFalse(pulled.err().contains(RegistryServer.PASSWORD), pulled::toString);
    }
  }

  @Test
  void errorsAreOneLineWithTheirExitCodes() throws Exception {
    Path pool = BTRFS.newDirectory("errors");
    JimgRunner.Result missing = jimg.runIn(pool, "pull", "--tls-verify=no", "docker://" + registry.host()
        + "/nothing:here");
    assertEquals(3, missing.exitCode(), missing::toString);
    assertEquals(1, missing.err().lines().count(), missing::toString);
    assertTrue(missing.err().startsWith("jimg: no such image nothing:here in registry "), missing::toString);

    JimgRunner.Result urlOption = jimg.runIn(pool, "pull", "--verify=no", "docker://" + registry.host() + "/deb:app");
    assertEquals(2, urlOption.exitCode(), urlOption::toString);
    assertTrue(urlOption.err().startsWith("jimg: --verify applies to a pull from a URL, not to an OCI image"),
        urlOption::toString);

    JimgRunner.Result platform = jimg.runIn(pool, "pull", "--tls-verify=no", "--platform=linux/s390x",
        "oci:" + images.layout() + ":app");
    assertEquals(1, platform.exitCode(), platform::toString);
    assertTrue(platform.err().contains("is an image for linux/"), platform::toString);
    assertEquals(List.of(), hiddenEntries(pool));
  }

  @Test
  void withoutACommandNspawnRunsTheEntrypointWithTheConfigsEnvironmentAndDirectory() throws Exception {
    Requirements.requireTool("systemd-nspawn");
    Commands.run("umoci", "config", "--image", images.layout() + ":app", "--tag", "probe",
        "--config.entrypoint", "/bin/sh", "--config.cmd", "-c", "--config.cmd",
        "echo \"$FOO $(pwd) $container\" > /ran-entrypoint");
    Path pool = BTRFS.newDirectory("entrypoint");
    JimgRunner.Result pulled = jimg.runIn(pool, "pull", "oci:" + images.layout() + ":probe", "probe");
    assertEquals(0, pulled.exitCode(), pulled::toString);

    JimgRunner.Result ran = jimg.runIn(pool, "run", "--engine=nspawn", "probe");

    assertEquals(0, ran.exitCode(), ran::toString);
    assertEquals("bar /etc systemd-nspawn\n", Files.readString(pool.resolve("probe/ran-entrypoint")));
  }

  @Test
  void anOciArchiveIsNamedAfterItsFileAndForceReplacesAnImage() throws Exception {
    Path work = BTRFS.newDirectory("archive-work");
    Path archive = work.resolve("tools.tar");
    Commands.run("skopeo", "copy", "--quiet", images.reference("app2"), "oci-archive:" + archive + ":app2");
    Path pool = BTRFS.newDirectory("archive");
    JimgRunner.Result pulled = jimg.runIn(pool, "pull", "oci-archive:" + archive);
    assertEquals(0, pulled.exitCode(), pulled::toString);
    assertTrue(pulled.out().startsWith("Pulled tools ("), pulled::toString);
    Files.writeString(pool.resolve("tools/etc/second"), "changed\n");

    JimgRunner.Result again = jimg.runIn(pool, "pull", "oci-archive:" + archive + ":app2", "tools");
    assertEquals(6, again.exitCode(), again::toString);
    assertEquals("jimg: image tools already exists (use --force)\n", again.err());
    assertEquals("changed\n", Files.readString(pool.resolve("tools/etc/second")));

    JimgRunner.Result forced = jimg.runIn(pool, "pull", "--force", "oci-archive:" + archive + ":app2", "tools");
    assertEquals(0, forced.exitCode(), forced::toString);
    assertTrue(forced.out().contains("2 layers, 2 of them already in the pool"), forced::toString);
    assertEquals("second\n", Files.readString(pool.resolve("tools/etc/second")));
  }

  @Test
  void shortNamesResolveThroughRegistriesConfAndAnAmbiguousOneListsItsCandidates() throws Exception {
    Path config = BTRFS.newDirectory("containers");
    Files.createDirectories(config.resolve("etc/containers"));
    Files.writeString(config.resolve("etc/containers/registries.conf"), "unqualified-search-registries = [\""
        + registry.host() + "\"]\n[[registry]]\nlocation = \"" + registry.host() + "\"\ninsecure = true\n");
    jimg.env(JimgCommand.CONTAINERS_CONFIG_ROOT_VARIABLE, config.toString());
    Path pool = BTRFS.newDirectory("short");

    JimgRunner.Result pulled = jimg.runIn(pool, "pull", "docker://deb:app2");
    assertEquals(0, pulled.exitCode(), pulled::toString);
    assertEquals("second\n", Files.readString(pool.resolve("deb/etc/second")), "named after the repository");

    Files.writeString(config.resolve("etc/containers/registries.conf"), "unqualified-search-registries = [\""
        + registry.host() + "\", \"quay.io\"]\n");
    JimgRunner.Result ambiguous = jimg.runIn(pool, "pull", "docker://deb:app2", "other");
    assertEquals(2, ambiguous.exitCode(), ambiguous::toString);
    assertTrue(ambiguous.err().startsWith("jimg: the short name 'deb' could mean " + registry.host() + "/deb,"
        + " quay.io/deb; write the full name or add an alias in"), ambiguous::toString);
    assertFalse(Files.exists(pool.resolve("other")));
  }

  @Test
  void aLayerWhoseDigestDoesNotMatchExitsFiveAndLeavesNothing() throws Exception {
    Path copy = BTRFS.newDirectory("corrupt").resolve("oci");
    Commands.run("cp", "-a", "--reflink=auto", images.layout().toString(), copy.toString());
    List<String> layers = images.layerDigests("app2");
    Path blob = copy.resolve("blobs/sha256/" + layers.get(layers.size() - 1).substring("sha256:".length()));
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1;
    Files.write(blob, bytes);
    Path pool = BTRFS.newDirectory("mismatch");

    JimgRunner.Result pulled = jimg.runIn(pool, "pull", "oci:" + copy + ":app2", "broken");

    assertEquals(5, pulled.exitCode(), pulled::toString);
    assertEquals(List.of("jimg: digest mismatch for blob " + layers.get(layers.size() - 1)),
        pulled.err().lines().filter(line -> line.startsWith("jimg: ")).map(line -> line.substring(0,
            line.indexOf(" of "))).toList(), pulled::toString);
    try (var entries = Files.list(pool)) {
      assertEquals(List.of(), entries.map(p -> p.getFileName().toString())
          .filter(n -> !(n.startsWith(".#") && n.endsWith(".lck"))).toList());
    }
  }

  static List<String> hiddenEntries(Path pool) throws IOException {
    try (var entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".") && !(n.startsWith(".#") && n.endsWith(".lck"))).sorted().toList();
    }
  }
}
