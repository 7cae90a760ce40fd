package io.jimg.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Image;
import io.jimg.images.ImageStore;
import io.jimg.runtime.EphemeralRoot;
import io.jimg.runtime.PreparedRoot;
import io.jimg.runtime.testing.JupiterRun;
import io.jimg.transfer.TestTrees;
import io.jimg.transfer.pull.NginxServer;
import io.jimg.transfer.pull.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @EphemeralRoot(pull = …)} as a user's build runs it: the image is pulled from a real nginx into the
 * test's store once, every test gets a root of its own, and the library's fetcher is found without a word of
 * configuration.
 */
class PulledEphemeralRootTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  static final String URL_PROPERTY = "jimg.test.pulled-root-url";

  @TempDir static Path work;

  @BeforeAll
  static void publish() throws IOException {
    byte[] tarball = TestImages.tarball(work, "tiny.tar.gz", "pulled");
    Path directory = Files.createDirectories(NGINX.root().resolve("roots"));
    Files.write(directory.resolve("tiny.tar.gz"), tarball);
    Files.write(directory.resolve("SHA256SUMS"), TestImages.sums(Map.of("tiny.tar.gz", tarball)));
    System.setProperty(URL_PROPERTY, NGINX.url("/roots/tiny.tar.gz").toString());
  }

  @AfterEach
  void forget() {
    System.clearProperty(URL_PROPERTY);
  }

  /** A user's test class (the build skips nested classes; the tests below run it under a launcher). */
  static class ThreeTests {
    static ImageStore store;
    static final Set<Path> seen = ConcurrentHashMap.newKeySet();

    @EphemeralRoot(pull = "${" + URL_PROPERTY + "}", verify = "checksum") Path field;

    @Test
    void aField() throws IOException {
      check(field);
    }

    @Test
    void aParameter(@EphemeralRoot(pull = "${" + URL_PROPERTY + "}", verify = "checksum") PreparedRoot root)
        throws IOException {
      check(root.path());
    }

    @Test
    void anotherParameter(@EphemeralRoot(pull = "${" + URL_PROPERTY + "}", verify = "checksum") Path root)
        throws IOException {
      check(root);
    }

    private static void check(Path root) throws IOException {
      assertEquals("pulled", Files.readString(root.resolve(TestImages.MARKER)));
      assertTrue(seen.add(root), "a root of its own: " + root);
      Files.writeString(root.resolve(TestImages.MARKER), "changed");
    }
  }

  @Test
  void pullsOnceAndGivesEachTestARootOfItsOwn() throws Exception {
    ThreeTests.store = ImageStore.builder().imageRoot(BTRFS.newDirectory("machines-"))
        .lockDirectory(work.resolve("locks")).build();
    System.setProperty(URL_PROPERTY, NGINX.url("/roots/tiny.tar.gz").toString());
    long before = downloads();

    JupiterRun run = JupiterRun.of(ThreeTests.class, Map.of());

    assertEquals(3, run.summary().getTestsSucceededCount(), run.failures());
    assertEquals(3, ThreeTests.seen.size());
    assertEquals(1, downloads() - before, "one download for the three tests: " + NGINX.accessLog());
    Image image = ThreeTests.store.show("tiny");
    assertEquals("pulled", Files.readString(image.path().resolve(TestImages.MARKER)), "the roots were copies");
    assertEquals(List.of("tiny"), ThreeTests.store.list(false).stream().map(Image::name).toList(),
        "no root is left behind");
  }

  private static long downloads() throws IOException {
    return NGINX.accessLog().stream().filter(line -> line.startsWith("GET /roots/tiny.tar.gz 200")).count();
  }

  @Test
  void aSecondRunReusesTheDownloadTheServerSaysIsUnchanged() throws Exception {
    ImageStore store = ImageStore.builder().imageRoot(BTRFS.newDirectory("machines-"))
        .lockDirectory(work.resolve("locks")).build();
    String url = NGINX.url("/roots/tiny.tar.gz").toString();
    PullingImageFetcher fetcher = new PullingImageFetcher();

    assertEquals("tiny", fetcher.fetch(store, url, null, "checksum"));
    assertEquals("ours", fetcher.fetch(store, url, "ours", "checksum"));

    List<String> gets = NGINX.accessLog().stream().filter(line -> line.startsWith("GET /roots/tiny.tar.gz ")).toList();
    assertTrue(gets.get(gets.size() - 1).startsWith("GET /roots/tiny.tar.gz 304"), "the second pull is a 304: " + gets);
    assertEquals("pulled", Files.readString(store.show("ours").path().resolve(TestImages.MARKER)));
  }

  @Test
  void aSourceWithAnOciTransportIsPulledAsAnOciImage() throws Exception {
    Requirements.requireTool("umoci");
    Path layout = work.resolve("layout");
    TestTrees.bash("cd " + work + " && umoci init --layout layout && umoci new --image layout:t"
        + " && umoci unpack --image layout:t bundle >/dev/null && mkdir bundle/rootfs/etc && echo pulled > bundle/rootfs/" + TestImages.MARKER
        + " && umoci repack --image layout:t bundle && rm -rf bundle");
    ImageStore store = ImageStore.builder().imageRoot(BTRFS.newDirectory("machines-"))
        .lockDirectory(work.resolve("locks")).build();

    assertEquals("layout", new PullingImageFetcher().fetch(store, "oci:" + layout + ":t", null, "signature"));

    assertEquals("pulled\n", Files.readString(store.show("layout").path().resolve(TestImages.MARKER)));
    assertEquals(1, store.layers().list().size(), "the layer is kept for the next pull: " + store.layers().list());
  }
}
