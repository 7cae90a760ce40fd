package io.jimg.transfer.oci.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Cancellation;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.testing.DebianOciImages;
import io.jimg.transfer.testing.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pulls of umoci's Debian images, pushed by skopeo to Debian's docker-registry, into a btrfs pool: the tree is
 * umoci's own unpacking of the image, entry by entry, the config becomes the settings file, layers are shared
 * between images and pulls, and a cancel leaves nothing.
 */
class OciPullerTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs().size(3L << 30);

  static DebianOciImages images;
  static RegistryServer registry;

  @BeforeAll
  static void pushImages() throws Exception {
    images = DebianOciImages.get();
    registry = images.startRegistry();
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  static OciEnvironment environment(Path configRoot) {
    return new OciEnvironment(Map.of(), Path.of("/nonexistent"), 0, configRoot);
  }

  static ImageStore store(Path pool) {
    return ImageStore.builder().imageRoot(pool).lockDirectory(pool.resolveSibling(pool.getFileName() + "-locks"))
        .build();
  }

  static OciPuller puller(ImageStore store, Path pool, StoreListener listener) {
    return new OciPuller(store, environment(Path.of("/nonexistent")), pool.resolveSibling("pull-locks"), listener);
  }

  static final OciPullOptions PLAIN_HTTP = OciPullOptions.defaults().withTlsVerify(false);

  @Test
  void aThreeLayerImageIsUmocisTreeWithItsSettingsAndSharesItsBaseWithTheNext() throws Exception {
    Path pool = BTRFS.newDirectory("pool");
    ImageStore store = store(pool);
    OciPuller.Pulled app = puller(store, pool, StoreListener.NONE).pull(
        ImageReference.parse("docker://" + registry.host() + "/deb:app"), null, PLAIN_HTTP, Cancellation.NEVER);
    assertEquals("deb", app.name());
    assertEquals(3, app.layers());
    assertEquals(0, app.reused());
    TestTrees.assertSameTree(images.described("app"), TestTrees.describe(pool.resolve("deb")));
    assertEquals(DebianOciImages.X, Files.readString(pool.resolve("deb/etc/x")));
    assertFalse(Files.exists(pool.resolve("deb/usr/share/doc")));
    assertEquals(Files.getAttribute(pool.resolve("deb/passwd-link"), "unix:ino"),
        Files.getAttribute(pool.resolve("deb/etc/passwd"), "unix:ino"));
    assertEquals("""
        # Generated from OCI configuration object
        [Exec]
        Boot=no
        WorkingDirectory=/etc
        Environment=FOO=bar
        Parameters=/bin/cat /etc/x
        """, Files.readString(pool.resolve("deb.nspawn")));
    assertEquals(3, store.layers().list().size());

    List<String> before = layerBlobGets();
    OciPuller.Pulled app2 = puller(store, pool, StoreListener.NONE).pull(
        ImageReference.parse("docker://" + registry.host() + "/deb:app2"), "second", PLAIN_HTTP, Cancellation.NEVER);
    assertEquals(1, app2.reused());
    assertEquals(1, newSince(before, layerBlobGets()).size(), "only the layer the base lacks is downloaded");
    assertEquals("second\n", Files.readString(pool.resolve("second/etc/second")));
    assertTrue(Files.isDirectory(pool.resolve("second/usr/share/doc")), "the base as it was, not app's layers");

    before = layerBlobGets();
    OciPuller.Pulled again = puller(store, pool, StoreListener.NONE).pull(
        ImageReference.parse("docker://" + registry.host() + "/deb:app"), null, PLAIN_HTTP.withForce(true),
        Cancellation.NEVER);
    assertEquals(3, again.reused());
    assertEquals(List.of(), newSince(before, layerBlobGets()), "a second pull downloads no layer");
    assertEquals(4, store.layers().list().size());
  }

  @Test
  void aCancelDuringADownloadLeavesNoLayerNoImageAndNoSpool() throws Exception {
    Path pool = BTRFS.newDirectory("cancel");
    ImageStore store = store(pool);
    Cancellation cancellation = Cancellation.of("test pull");
    StoreListener cancelOnProgress = new StoreListener() {
      @Override
      public void progress(Progress progress) {
        if (progress.operation().startsWith("pull-oci ") && progress.bytesDone() > 0) {
          cancellation.cancel();
        }
      }
    };
    JimgException e = assertThrows(JimgException.class, () -> puller(store, pool, cancelOnProgress).pull(
        ImageReference.parse("docker://" + registry.host() + "/deb:app"), null, PLAIN_HTTP, cancellation));
    assertEquals(JimgException.Reason.CANCELLED, e.reason(), e.getMessage());
    assertEquals(List.of(), PoolEntries.of(pool));
  }

  @Test
  void twoPullsOfOneImageWaitForEachOtherAndTheSecondDownloadsNoLayer() throws Exception {
    Path pool = BTRFS.newDirectory("twins");
    ImageStore store = store(pool);
    ImageReference reference = ImageReference.parse("docker://" + registry.host() + "/deb:app2");
    // Whichever pull takes the image's lock first holds it (in its first progress) until the other waits for it.
    CountDownLatch oneWaits = new CountDownLatch(1);
    StoreListener listener = new StoreListener() {
      @Override
      public void progress(Progress progress) {
        try {
          oneWaits.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void event(StoreEvent event) {
        if (event.kind() == StoreEvent.Kind.SKIPPED_BUSY && event.message().contains("waiting for another pull")) {
          oneWaits.countDown();
        }
      }
    };
    List<String> before = layerBlobGets();
    CompletableFuture<OciPuller.Pulled> first = CompletableFuture.supplyAsync(() -> pull(store, pool, listener,
        reference, "first"));
    OciPuller.Pulled second = pull(store, pool, listener, reference, "second");
    assertEquals(List.of(0, 2), java.util.stream.Stream.of(first.get(), second).map(OciPuller.Pulled::reused)
        .sorted().toList(), "the one that waited found every layer the other made");
    assertEquals(2, newSince(before, layerBlobGets()).size(), "each layer crossed the network once");
  }

  private static OciPuller.Pulled pull(ImageStore store, Path pool, StoreListener listener, ImageReference reference,
      String name) {
    try {
      return puller(store, pool, listener).pull(reference, name, PLAIN_HTTP, Cancellation.NEVER);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aLayoutAndAnArchiveOfItArePulledAsTheRegistrysImageIs() throws Exception {
    Path pool = BTRFS.newDirectory("local");
    ImageStore store = store(pool);
    OciPuller.Pulled fromLayout = puller(store, pool, StoreListener.NONE).pull(
        ImageReference.parse("oci:" + images.layout() + ":app"), "fromlayout", OciPullOptions.defaults(),
        Cancellation.NEVER);
    assertEquals(3, fromLayout.layers());
    TestTrees.assertSameTree(images.described("app"), TestTrees.describe(pool.resolve("fromlayout")));

    Path archive = BTRFS.newDirectory("archive").resolve("deb.tar");
    io.jimg.btrfs.testing.Commands.run("skopeo", "copy", "--quiet", images.reference("app2"),
        "oci-archive:" + archive + ":v2");
    OciPuller.Pulled fromArchive = puller(store, pool, StoreListener.NONE).pull(
        ImageReference.parse("oci-archive:" + archive + ":v2"), null, OciPullOptions.defaults(), Cancellation.NEVER);
    assertEquals("deb", fromArchive.name(), "the archive's name without its suffix");
    assertEquals(1, fromArchive.reused(), "the layout's pull left the base layer");
    assertEquals("second\n", Files.readString(pool.resolve("deb/etc/second")));
    assertEquals(List.of(), PoolEntries.hidden(pool).stream().filter(n -> n.startsWith(".#")).toList(),
        "the archive's unpacked layout and the spool are gone");
  }

  @Test
  void aShortNameResolvesThroughRegistriesConfAndItsInsecureRegistry() throws Exception {
    Path configRoot = BTRFS.newDirectory("conf");
    Files.createDirectories(configRoot.resolve("etc/containers"));
    Files.writeString(configRoot.resolve("etc/containers/registries.conf"), """
        unqualified-search-registries = ["%s"]
        [[registry]]
        location = "%s"
        insecure = true
        """.formatted(registry.host(), registry.host()));
    Path pool = BTRFS.newDirectory("short");
    ImageStore store = store(pool);
    OciPuller.Pulled pulled = new OciPuller(store, environment(configRoot), pool.resolveSibling("pull-locks"),
        StoreListener.NONE).pull(ImageReference.parse("docker://deb:app2"), null, OciPullOptions.defaults(),
        Cancellation.NEVER);
    assertEquals("deb", pulled.name());
    assertEquals("second\n", Files.readString(pool.resolve("deb/etc/second")));
  }

  @Test
  void aRegistryWithTlsAndPasswordsTakesTheCaFileAndTheCredentials() throws Exception {
    try (RegistryServer secure = RegistryServer.start(true, true)) {
      images.push(secure, "app2", "team/deb", "v1");
      Path pool = BTRFS.newDirectory("tls");
      ImageStore store = store(pool);
      ImageReference reference = ImageReference.parse("docker://" + secure.host() + "/team/deb:v1");
      OciPullOptions options = OciPullOptions.defaults().withCaFile(secure.caFile());
      JimgException denied = assertThrows(JimgException.class, () -> puller(store, pool, StoreListener.NONE)
          .pull(reference, null, options, Cancellation.NEVER));
      assertTrue(denied.getMessage().contains("asks for a user name and password"), denied.getMessage());
      OciPuller.Pulled pulled = puller(store, pool, StoreListener.NONE).pull(reference, null,
          options.withCredentials(new Credentials(RegistryServer.USER, RegistryServer.PASSWORD)), Cancellation.NEVER);
      assertEquals("deb", pulled.name());
      assertEquals("second\n", Files.readString(pool.resolve("deb/etc/second")));
    }
  }

  /** The registry's answers to GETs of the images' layer blobs so far (a config is read by every pull). */
  private static List<String> layerBlobGets() throws IOException, InterruptedException {
    List<String> layers = new java.util.ArrayList<>(images.layerDigests("app"));
    layers.addAll(images.layerDigests("app2"));
    return registry.requests().stream()
        .filter(r -> r.startsWith("GET /v2/deb/blobs/") && layers.stream().anyMatch(r::contains)).toList();
  }

  private static List<String> newSince(List<String> before, List<String> after) {
    return after.subList(before.size(), after.size());
  }
}
