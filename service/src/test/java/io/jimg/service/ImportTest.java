package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.pull.NginxServer;
import io.jimg.transfer.pull.TestImages;
import io.jimg.transfer.verify.Gnupg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** io.systemd.Import through varlinkctl: real pulls from nginx on loopback, of releases signed with real GnuPG. */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class ImportTest {
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static Gnupg gpg;
  static String publisher;
  static String stranger;

  private ServedPool served;

  @BeforeAll
  static void keys() throws IOException {
    Requirements.requireTool("gpg");
    gpg = new Gnupg();
    publisher = gpg.generateKey("Publisher <publisher@example.org>", null, "never");
    stranger = gpg.generateKey("Stranger <stranger@example.org>", null, "never");
  }

  @AfterAll
  static void dropKeys() throws IOException {
    if (gpg != null) {
      gpg.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    served = new ServedPool(BTRFS.newDirectory("import-"));
    // The service's keyring root holds the publisher's key where jimg looks: etc/jimg/trusted.gpg.d.
    gpg.keyring(served.base.resolve("keys/etc/jimg/trusted.gpg.d"), "publisher.gpg", false, publisher);
  }

  @AfterEach
  void stop() {
    served.close();
  }

  /** Publishes a release of one tarball, signed by {@code signer}, and returns the tarball's URL. */
  private String release(String directory, String signer, String marker) throws IOException {
    Path work = Files.createDirectories(served.base.resolve("work-" + directory));
    Map<String, byte[]> files = TestImages.signedRelease(gpg, signer,
        Map.of("image.tar.gz", TestImages.tarball(work, "image.tar.gz", marker)));
    Path published = Files.createDirectories(NGINX.root().resolve(directory));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Files.write(published.resolve(file.getKey()), file.getValue());
    }
    return NGINX.url("/" + directory + "/image.tar.gz").toString();
  }

  private Commands.Result pull(String url, String local, String... options) {
    String[] arguments = new String[options.length + 4];
    arguments[0] = "call";
    System.arraycopy(options, 0, arguments, 1, options.length);
    arguments[options.length + 1] = served.address;
    arguments[options.length + 2] = "io.systemd.Import.Pull";
    arguments[options.length + 3] = "{\"remote\":\"" + url + "\",\"local\":\"" + local
        + "\",\"type\":\"tar\",\"class\":\"machine\"}";
    return Varlinkctl.run(arguments);
  }

  private String marker(String image) throws IOException {
    return Files.readString(served.pool.resolve(image).resolve(TestImages.MARKER));
  }

  private List<String> poolEntries() throws IOException {
    try (Stream<Path> entries = Files.list(served.pool)) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void introspectionParses() {
    Commands.Result introspected = Varlinkctl.run("introspect", served.address, "io.systemd.Import");
    assertEquals(0, introspected.exitCode(), introspected.output());
    assertTrue(introspected.output().contains("method Pull(") && introspected.output().contains("type TransferType"),
        introspected.output());
  }

  @Test
  void aPullWithMoreAnswersItsIdFirstAndEndsWhenTheSignedImageIsInThePool() throws Exception {
    String url = release("more", publisher, "streamed");
    Commands.Result pulled = pull(url, "streamed", "--more");
    assertEquals(0, pulled.exitCode(), pulled.output());
    String replies = Varlinkctl.compact(pulled.output());
    assertTrue(replies.matches("\\{\"id\":\\d+}.*\\{\"id\":\\d+}"), replies);
    assertEquals("streamed", marker("streamed"));
    assertTrue(served.log.contains("pull-tar of 'streamed'") && served.log.contains("created streamed"),
        served.log.lines().toString());
  }

  @Test
  void aPullWithoutMoreAnswersOnceAtItsEnd() throws Exception {
    String url = release("once", publisher, "once");
    Commands.Result pulled = pull(url, "once");
    assertEquals(0, pulled.exitCode(), pulled.output());
    assertTrue(Varlinkctl.compact(pulled.output()).matches("\\{\"id\":\\d+}"), pulled.output());
    assertEquals("once", marker("once"));
  }

  @Test
  void aReleaseSignedByAnUntrustedKeyFailsTheTransferAndLeavesThePoolAsItWas() throws Exception {
    served.image("before");
    List<String> before = poolEntries();
    String url = release("untrusted", stranger, "never");
    Commands.Result pulled = pull(url, "untrusted", "--more");
    assertNotEquals(0, pulled.exitCode());
    assertTrue(pulled.output().contains("io.systemd.Import.TransferFailed"), pulled.output());
    assertEquals(before, poolEntries());
    assertFalse(served.root.images().exists("untrusted"));
  }

  @Test
  void refusesWhatItCannotPullBeforeStarting() {
    Commands.Result scheme = Varlinkctl.run("call", served.address, "io.systemd.Import.Pull",
        "{\"remote\":\"ftp://example.org/a.tar\",\"type\":\"tar\",\"class\":\"machine\"}");
    assertTrue(scheme.output().contains("org.varlink.service.InvalidParameter") && scheme.output().contains("remote"),
        scheme.output());
    Commands.Result name = pull("http://127.0.0.1:1/a.tar", "../escape");
    assertTrue(name.output().contains("InvalidParameter") && name.output().contains("local"), name.output());
    Commands.Result denied = Varlinkctl.runAsNobody("call", served.address, "io.systemd.Import.Pull",
        "{\"remote\":\"http://127.0.0.1:1/a.tar\",\"type\":\"tar\",\"class\":\"machine\"}");
    assertTrue(denied.output().contains("org.varlink.service.PermissionDenied"), denied.output());
  }

  @Test
  void listTransfersAnswersNoTransfersWhenNoneRunsAndNeedsMore() {
    Commands.Result none = Varlinkctl.runAsNobody("call", "--more", served.address,
        "io.systemd.Import.ListTransfers", "{}");
    assertNotEquals(0, none.exitCode());
    assertTrue(none.output().contains("io.systemd.Import.NoTransfers"), none.output());
    Commands.Result withoutMore = Varlinkctl.run("call", served.address, "io.systemd.Import.ListTransfers", "{}");
    assertTrue(withoutMore.output().contains("org.varlink.service.ExpectedMore"), withoutMore.output());
  }
}
