package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed pull names what failed: the image's URL, a URL that names no file. */
class PullErrorsTest {
  @TempDir Path temp;

  private Puller puller() throws IOException {
    Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(Map.of())
        .withRetries(2, Duration.ofMillis(10), d -> { }));
    return new Puller(new FakePullStore(Files.createDirectories(temp.resolve("pool"))), fetcher,
        temp.resolve("no-system-keys"), temp.resolve("locks"), Clock.systemUTC(), StoreListener.NONE);
  }

  private static PullOptions unverified() throws JimgException {
    return PullOptions.builder().verify("no").settings(true).build();
  }

  @Test
  void aServerThatIsDownIsReportedByTheImagesUrlNotTheSettingsFiles() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + port + "/images/debian.tar.xz");
    JimgException e = assertThrows(JimgException.class, () -> puller().pull(url, null, unverified()));
    assertTrue(e.getMessage().startsWith(url + ": cannot connect"), e.getMessage());
  }

  @Test
  void aUrlWithoutAFileNameSaysSo() {
    URI url = URI.create("http://127.0.0.1:1/images/");
    JimgException e = assertThrows(JimgException.class, () -> puller().pull(url, "x",
        unverified().toBuilder().format(ImageFormat.TAR).build()));
    assertEquals(JimgException.Reason.USAGE, e.reason());
    assertEquals(url + ": the URL names no file (its path is empty or ends with '/'); give the image file's URL",
        e.getMessage());
  }
}
