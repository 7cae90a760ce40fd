package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.verify.SigningKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull with no --keyring trusts the keys a host set up for systemd-pull, under their .pgp names: the test's own
 * file system root stands for "/", with /etc/systemd/import-pubring.pgp shadowing /usr/lib's keyring.
 */
class SystemdKeyringPullTest {
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  @RegisterExtension static final SigningKeys KEYS = new SigningKeys();

  @TempDir Path root;

  private Puller puller(FakePullStore store) throws JimgException {
    return new Puller(store, new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())), root,
        root.resolve("locks"), Clock.systemUTC(), StoreListener.NONE);
  }

  /** Publishes a signed tarball under /{@code directory}/ and returns its URL. */
  private URI publish(String directory, String content) throws Exception {
    Path dir = Files.createDirectories(NGINX.root().resolve(directory));
    byte[] image = TestImages.tarball(root, "image.tar", content);
    for (Map.Entry<String, byte[]> file : TestImages.signedRelease(KEYS.gpg(), KEYS.publisher(), Map.of("image.tar", image))
        .entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
    }
    return NGINX.url("/" + directory + "/image.tar");
  }

  @Test
  void trustsTheKeysInEtcSystemdImportPubringPgp() throws Exception {
    KEYS.gpg().keyring(root.resolve("usr/lib/systemd"), "import-pubring.pgp", false, KEYS.stranger());
    KEYS.gpg().keyring(root.resolve("etc/systemd"), "import-pubring.pgp", false, KEYS.publisher());
    FakePullStore store = new FakePullStore(Files.createDirectories(root.resolve("pool")));
    puller(store).pull(publish("etc-pgp", "trusted through /etc"), "image", PullOptions.defaults());
    assertEquals("trusted through /etc", Files.readString(store.image("image").resolve(TestImages.MARKER)));
  }

  @Test
  void aKeyOnlyInTheShadowedUsrKeyringIsNotTrusted() throws Exception {
    KEYS.gpg().keyring(root.resolve("usr/lib/systemd"), "import-pubring.pgp", false, KEYS.publisher());
    KEYS.gpg().keyring(root.resolve("etc/systemd"), "import-pubring.pgp", false, KEYS.stranger());
    FakePullStore store = new FakePullStore(Files.createDirectories(root.resolve("pool")));
    JimgException e = assertThrows(JimgException.class,
        () -> puller(store).pull(publish("usr-pgp", "shadowed"), "image", PullOptions.defaults()));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason(), e.getMessage());
    assertFalse(Files.exists(store.image("image")));
  }

  @Test
  void trustsTheKeysInUsrLibSystemdImportPubringPgpWhenEtcHasNone() throws Exception {
    KEYS.gpg().keyring(root.resolve("usr/lib/systemd"), "import-pubring.pgp", false, KEYS.publisher());
    FakePullStore store = new FakePullStore(Files.createDirectories(root.resolve("pool")));
    puller(store).pull(publish("usr-only", "trusted through /usr"), "image", PullOptions.defaults());
    assertEquals("trusted through /usr", Files.readString(store.image("image").resolve(TestImages.MARKER)));
  }
}
