package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The layer store on a real btrfs: layers are read-only snapshots of their parents, images writable snapshots of
 * a layer that share its base (one subvolume per layer, whatever the number of images), one create per chain id
 * however many processes ask, and clean and the cache bound remove only what no image needs.
 */
class LayerStoreTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static final String BASE = "sha256:" + "1".repeat(64);
  static final String APP = "sha256:" + "2".repeat(64);
  static final String OTHER = "sha256:" + "3".repeat(64);

  Pools pools;
  LayerStore layers;

  @BeforeEach
  void setUp() throws IOException {
    pools = new Pools(BTRFS.root());
    layers = pools.store.layers();
  }

  @AfterEach
  void tearDown() throws IOException {
    layers.clean(true); // read-only subvolumes, which the loop filesystem's cleanup would trip over
    pools.release();
  }

  /** A base and two layers on it. */
  private void threeLayers() throws IOException {
    layers.create(BASE, Optional.empty(), file("base", "base"), Cancellation.NEVER);
    layers.create(APP, Optional.of(BASE), file("app", "app"), Cancellation.NEVER);
    layers.create(OTHER, Optional.of(BASE), file("other", "other"), Cancellation.NEVER);
  }

  static LayerFiller file(String name, String content) {
    return layer -> {
      Files.writeString(layer.path().resolve(name), content);
      return content.length();
    };
  }

  @Test
  void aLayerIsAReadOnlySnapshotOfItsParentWithItsChanges() throws IOException {
    assertTrue(layers.supported());
    layers.create(BASE, Optional.empty(), file("base", "base"), Cancellation.NEVER);
    Layer app = layers.create(APP, Optional.of(BASE), file("app", "app"), Cancellation.NEVER);
    assertEquals(Optional.of(BASE), app.parentChainId());
    assertEquals(3, app.bytes());
    assertEquals("base", Files.readString(app.path().resolve("base")));
    assertEquals("app", Files.readString(app.path().resolve("app")));
    try (Fd root = Fd.openDirectory(app.path())) {
      assertTrue(Subvolume.isReadOnly(root));
    }
    assertFalse(Files.exists(layers.find(BASE).orElseThrow().path().resolve("app")), "the parent is unchanged");
    assertEquals(List.of(), pools.temporaries());
  }

  @Test
  void imagesOnOneBaseShareItsLayerAndAreWritableSubvolumes() throws IOException {
    threeLayers();
    Image first = layers.createImage("first", APP, CreateOptions.DEFAULT);
    Image second = layers.createImage("second", OTHER, CreateOptions.DEFAULT);
    assertEquals(ImageType.SUBVOLUME, first.type());
    assertEquals(3, layers.list().size(), "one subvolume per layer, the base made once");
    Path firstRoot = pools.pool.resolve("first");
    Files.writeString(firstRoot.resolve("written"), "the image is writable");
    assertEquals("base", Files.readString(pools.pool.resolve("second/base")));
    assertEquals(parentUuidOf(layers.find(APP).orElseThrow().path()), uuidOf(layers.find(BASE).orElseThrow().path()));
    assertEquals(parentUuidOf(layers.find(OTHER).orElseThrow().path()),
        uuidOf(layers.find(BASE).orElseThrow().path()), "the second image's layer is a snapshot of the same base");
    assertEquals(parentUuidOf(firstRoot), uuidOf(layers.find(APP).orElseThrow().path()));
    assertEquals(APP + "\n" + BASE + "\n", Files.readString(pools.pool.resolve("first.oci-layers")));
    assertEquals(List.of("first", "second"), pools.store.list(false).stream().map(Image::name).sorted().toList());
    assertEquals(5, pools.store.list(true).size(), "list --all shows the layers too");
  }

  @Test
  void noImageNameReachesALayer() throws IOException {
    layers.create(BASE, Optional.empty(), file("base", "base"), Cancellation.NEVER);
    String name = ".oci-layer-sha256-" + "1".repeat(64);
    List<org.junit.jupiter.api.function.Executable> calls = List.of(() -> pools.store.exists(name),
        () -> pools.store.show(name), () -> pools.store.remove(List.of(name)), () -> pools.store.rename(name, "x"),
        () -> pools.store.clone(name, "x", false), () -> pools.store.lease(name, Access.READ),
        () -> pools.store.createTree(name, CreateOptions.DEFAULT, Pools.tree("x")));
    for (org.junit.jupiter.api.function.Executable call : calls) {
      assertEquals(JimgException.Reason.USAGE, assertThrows(JimgException.class, call).reason());
    }
    layers.createImage("image", BASE, CreateOptions.DEFAULT);
    assertEquals(List.of(), pools.store.clean(false).removed(), "a needed layer is no hidden image to clean");
    assertTrue(layers.find(BASE).isPresent());
  }

  @Test
  void twoCreatesOfOneChainIdMakeOneLayer() throws Exception {
    CountDownLatch filling = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger fills = new AtomicInteger();
    LayerFiller slow = layer -> {
      fills.incrementAndGet();
      filling.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      Files.writeString(layer.path().resolve("base"), "first");
      return 5;
    };
    CompletableFuture<Layer> first = CompletableFuture.supplyAsync(() -> create(slow));
    filling.await();
    CompletableFuture<Layer> second = CompletableFuture.supplyAsync(() -> create(slow));
    release.countDown();
    assertEquals(first.get().path(), second.get().path());
    assertEquals(1, fills.get(), "the second create waited and took the first one's layer");
    assertEquals("first", Files.readString(second.get().path().resolve("base")));
    assertEquals(1, layers.list().size());
  }

  private Layer create(LayerFiller filler) {
    try {
      return layers.create(BASE, Optional.empty(), filler, Cancellation.NEVER);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aFailedFillLeavesNoLayer() throws IOException {
    IOException e = assertThrows(IOException.class, () -> layers.create(BASE, Optional.empty(), layer -> {
      Files.writeString(layer.path().resolve("half"), "x");
      throw new IOException("the layer's digest does not match");
    }, Cancellation.NEVER));
    assertEquals("the layer's digest does not match", e.getMessage());
    assertEquals(List.of(), layers.list());
    assertEquals(List.of(), pools.temporaries());
  }

  @Test
  void cleanKeepsTheLayersAnImageNeedsAndCleanAllRemovesEvery() throws IOException {
    threeLayers();
    layers.createImage("app", APP, CreateOptions.DEFAULT);
    CleanReport report = pools.store.clean(false);
    assertEquals(List.of(OTHER), report.removed());
    assertEquals(List.of(BASE, APP), layers.list().stream().map(Layer::chainId).sorted().toList());
    pools.store.rename("app", "renamed");
    assertTrue(Files.exists(pools.pool.resolve("renamed.oci-layers")), "the chain record moves with its image");
    assertEquals(List.of(), pools.store.clean(false).removed());
    pools.store.remove(List.of("renamed"));
    assertFalse(Files.exists(pools.pool.resolve("renamed.oci-layers")), "and goes with it");
    layers.createImage("again", APP, CreateOptions.DEFAULT);
    assertEquals(List.of(BASE, APP), pools.store.layers().clean(true).removed().stream().sorted().toList());
    assertEquals("app", Files.readString(pools.pool.resolve("again/app")), "images do not depend on layers");
    assertEquals(List.of(), layers.list());
  }

  @Test
  void aLayerInUseIsSkippedByClean() throws IOException {
    layers.create(BASE, Optional.empty(), file("base", "base"), Cancellation.NEVER);
    try (Fd pool = Fd.openDirectory(pools.pool);
        LockFile held = LockFile.tryTake(Fd.openDirectory(pools.pool), LayerNames.lockName(BASE),
            io.jimg.btrfs.LockKind.SHARED)) {
      assertEquals(List.of(BASE), layers.clean(true).skippedBusy());
      assertEquals(JimgException.Reason.BUSY, assertThrows(JimgException.class, () -> layers.remove(BASE)).reason());
    }
    layers.remove(BASE);
    assertEquals(List.of(), layers.list());
  }

  @Test
  void theCacheBoundEvictsTheLeastRecentlyUsedLayersNoImageNeeds() throws IOException {
    layers.create(BASE, Optional.empty(), file("base", "x".repeat(100)), Cancellation.NEVER);
    layers.create(APP, Optional.of(BASE), file("app", "y".repeat(100)), Cancellation.NEVER);
    layers.create(OTHER, Optional.of(BASE), file("other", "z".repeat(100)), Cancellation.NEVER);
    layers.createImage("other", OTHER, CreateOptions.DEFAULT); // needs OTHER and BASE, used last
    setLastUse(APP, 1_000);
    assertEquals(List.of(APP), layers.trim(150), "the unneeded layer goes; needed ones stay beyond the bound");
    assertEquals(List.of(), layers.trim(0));
    pools.store.remove(List.of("other"));
    setLastUse(OTHER, 2_000);
    setLastUse(BASE, 3_000);
    assertEquals(List.of(OTHER), layers.trim(100), "least recently used first, until the bound holds");
    assertEquals(List.of(BASE), layers.list().stream().map(Layer::chainId).toList());
  }

  private void setLastUse(String chainId, long epochSecond) throws IOException {
    Files.setLastModifiedTime(pools.pool.resolve(".oci-layer-sha256-" + chainId.substring(7) + ".use"),
        java.nio.file.attribute.FileTime.fromMillis(epochSecond * 1000));
  }

  private static String uuidOf(Path subvolume) throws IOException {
    try (Fd fd = Fd.openDirectory(subvolume)) {
      return Subvolume.info(fd).uuid().toString();
    }
  }

  private static String parentUuidOf(Path subvolume) throws IOException {
    try (Fd fd = Fd.openDirectory(subvolume)) {
      return Subvolume.info(fd).parentUuid().toString();
    }
  }
}
