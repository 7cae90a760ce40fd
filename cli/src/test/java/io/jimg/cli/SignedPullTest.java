package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.pull.NginxServer;
import io.jimg.transfer.verify.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `jimg pull` from a real nginx into the real store on btrfs, its SHA256SUMS signed by real GnuPG: the image
 * arrives whole, and a tampered checksum file or an untrusted key fails with exit 5 and leaves the pool as it was.
 */
class SignedPullTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  @RegisterExtension static final SigningKeys KEYS = new SigningKeys();

  final JimgRunner jimg = new JimgRunner();

  /** A tar.xz of a tiny root whose marker file says {@code content}, made by GNU tar. */
  private static byte[] tarball(String name, String content) throws Exception {
    Path tree = Files.createDirectories(BTRFS.root().resolve("trees/" + name + "/etc"));
    Files.writeString(tree.resolve("marker"), content);
    Path archive = BTRFS.root().resolve("trees/" + name + ".tar.xz");
    Commands.run("tar", "-caf", archive.toString(), "-C", tree.getParent().toString(), ".");
    return Files.readAllBytes(archive);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Publishes {@code image} as image.tar.xz under /{@code directory}/ with a SHA256SUMS signed by {@code signer}. */
  private static String publish(String directory, byte[] image, String signer) throws Exception {
    Path dir = Files.createDirectories(NGINX.root().resolve(directory));
    Files.write(dir.resolve("image.tar.xz"), image);
    byte[] sums = (sha256(image) + " *image.tar.xz\n").getBytes(StandardCharsets.US_ASCII);
    Files.write(dir.resolve("SHA256SUMS"), sums);
    Files.write(dir.resolve("SHA256SUMS.gpg"), KEYS.gpg().detachSign(signer, sums, null, false));
    return "/" + directory + "/image.tar.xz";
  }

  private static Path pool(String name) throws Exception {
    return Files.createDirectories(BTRFS.root().resolve(name));
  }

  /** systemd's own suffix for a binary keyring, as /etc/systemd/import-pubring.pgp has it. */
  private static Path keyring(String name, String fingerprint) throws Exception {
    return KEYS.gpg().keyring(BTRFS.root().resolve("keys"), name + ".pgp", false, fingerprint);
  }

  private JimgRunner.Result pull(Path pool, Path keyring, String path, String name) {
    return jimg.run("--image-root=" + pool, "pull", "--keyring=" + keyring, NGINX.url(path).toString(), name);
  }

  private static List<String> names(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Exit 5 (verification failed) with a one-line reason, and an empty pool. */
  private static void assertRefusedLeavingNothing(Path pool, JimgRunner.Result result) throws Exception {
    assertEquals(5, result.exitCode(), result::toString);
    assertTrue(result.err().lines().anyMatch(line -> line.startsWith("jimg: ")), result::toString);
    assertEquals(List.of(), names(pool), "nothing of the download stays in the pool");
  }

  @Test
  void pullsASignedTarballIntoTheStoreTrustingAPgpKeyring() throws Exception {
    Path pool = pool("pool-signed");
    String path = publish("signed", tarball("signed", "the publisher's root"), KEYS.publisher());
    JimgRunner.Result result = pull(pool, keyring("publisher", KEYS.publisher()), path, "debian");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().contains(", signed by key " + KEYS.publisher().substring(KEYS.publisher().length() - 16)), result::toString);
    assertEquals("the publisher's root", Files.readString(pool.resolve("debian/etc/marker")));
    JimgRunner.Result shown = jimg.run("--image-root=" + pool, "show", "debian");
    assertEquals(0, shown.exitCode(), shown::toString);
  }

  @Test
  void aSwappedImageWithItsChecksumRewrittenFailsWith5AndLeavesNothing() throws Exception {
    Path pool = pool("pool-tampered");
    String path = publish("tampered", tarball("genuine", "genuine"), KEYS.publisher());
    byte[] evil = tarball("evil", "the attacker's root");
    Path served = NGINX.root().resolve("tampered");
    Files.write(served.resolve("image.tar.xz"), evil);
    Files.writeString(served.resolve("SHA256SUMS"), sha256(evil) + " *image.tar.xz\n");
    assertRefusedLeavingNothing(pool, pull(pool, keyring("publisher-2", KEYS.publisher()), path, "victim"));
  }

  @Test
  void aSignatureByAKeyNotInTheKeyringFailsWith5AndLeavesNothing() throws Exception {
    Path pool = pool("pool-stranger");
    String path = publish("stranger", tarball("stranger", "signed by someone else"), KEYS.stranger());
    assertRefusedLeavingNothing(pool, pull(pool, keyring("publisher-3", KEYS.publisher()), path, "victim"));
  }
}
