package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.Cancellation;
import io.jimg.images.JimgException;
import io.jimg.transfer.http.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobTest extends MockRegistryTest {
  private final TestImage image = TestImage.of(3, 3_000_000);
  private final byte[] layer = image.layers().get(0);
  private final Descriptor descriptor = image.manifest().layers().get(0);

  @TempDir Path temp;

  private static MockResponse blob(byte[] bytes) {
    return new MockResponse.Builder().code(200).body(new Buffer().write(bytes)).build();
  }

  @Test
  void aBlobStreamsIntoTheSinkWithProgressPerMebibyte() throws Exception {
    registry.enqueue(blob(layer));
    List<Long> progress = new ArrayList<>();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    client().listener(new RegistryListener() {
      @Override
      public void progress(Digest blob, long done, long total) {
        progress.add(done);
      }
    }).build().fetchBlob("team/app", descriptor, sink);
    assertArrayEquals(layer, sink.toByteArray());
    assertEquals(List.of(1L << 20, 2L << 20, (long) layer.length), progress);
    assertEquals("/v2/team/app/blobs/" + descriptor.digest(), take(registry).getUrl().encodedPath());
  }

  @Test
  void aBlobStreamsIntoAFileChannel() throws Exception {
    registry.enqueue(blob(layer));
    Path file = temp.resolve("blob");
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      client().build().fetchBlob("team/app", descriptor, channel);
    }
    assertArrayEquals(layer, java.nio.file.Files.readAllBytes(file));
  }

  @Test
  void aBlobWhoseBytesDoNotMatchItsDigestFails() {
    byte[] tampered = layer.clone();
    tampered[1000] ^= 1;
    registry.enqueue(blob(tampered));
    JimgException e = assertThrows(JimgException.class,
        () -> client().build().fetchBlob("team/app", descriptor, OutputStream.nullOutputStream()));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains(descriptor.digest().toString()) && e.getMessage().contains("team/app"),
        e.getMessage());
  }

  @Test
  void aBlobLongerThanDeclaredStopsAtTheDeclaredSize() {
    byte[] longer = java.util.Arrays.copyOf(layer, layer.length + 5_000_000);
    // Chunked: no Content-Length announces the excess, so the client meets it while reading.
    registry.enqueue(new MockResponse.Builder().code(200).chunkedBody(new Buffer().write(longer), 64 * 1024).build());
    long[] written = {0};
    OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) {
        written[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        written[0] += len;
      }
    };
    JimgException e = assertThrows(JimgException.class,
        () -> client().build().fetchBlob("team/app", descriptor, sink));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(e.getMessage().contains("more than the " + layer.length + " bytes"), e.getMessage());
    assertTrue(written[0] <= layer.length, "wrote " + written[0]);
  }

  @Test
  void aRedirectToAnotherHostCarriesNoCredentials() throws Exception {
    try (MockWebServer cdn = new MockWebServer()) {
      cdn.start();
      registry.enqueue(status(401, "WWW-Authenticate: Basic realm=\"r\""));
      registry.enqueue(status(307, "Location: " + cdn.url("/store/blob?sig=1")));
      cdn.enqueue(blob(layer));
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      client().credentials(() -> new Credentials("user", "secret")).build()
          .fetchBlob("team/app", descriptor, sink);
      assertArrayEquals(layer, sink.toByteArray());
      assertNull(take(registry).getHeaders().get("Authorization"));
      assertEquals(okhttp3.Credentials.basic("user", "secret"), take(registry).getHeaders().get("Authorization"));
      RecordedRequest atCdn = take(cdn);
      assertEquals("/store/blob?sig=1", atCdn.getTarget());
      assertNull(atCdn.getHeaders().get("Authorization"));
    }
  }

  @Test
  void anHttpsRegistryRedirectingToHttpIsRefused() throws Exception {
    SelfSignedCertificate certificate = new SelfSignedCertificate(temp);
    try (MockWebServer tls = new MockWebServer(); MockWebServer plain = new MockWebServer()) {
      tls.useHttps(certificate.serverContext().getSocketFactory());
      tls.start();
      plain.start();
      tls.enqueue(status(307, "Location: " + plain.url("/blob")));
      RegistryClient client = RegistryClient.builder(hostOf(tls))
          .httpOptions(quickOptions().withCaFile(certificate.certificate)).build();
      JimgException e = assertThrows(JimgException.class,
          () -> client.fetchBlob("team/app", descriptor, OutputStream.nullOutputStream()));
      assertTrue(e.getMessage().contains("refusing a redirect from https"), e.getMessage());
      assertEquals(0, plain.getRequestCount());
    }
  }

  @Test
  void aCancelWhileTheRegistryStallsEndsTheCallAtOnce() throws Exception {
    registry.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(layer))
        .onResponseBody(mockwebserver3.SocketEffect.Stall.INSTANCE).build());
    Cancellation cancellation = Cancellation.of("the pull");
    RegistryClient client = client().cancellation(cancellation).build();
    Thread canceller = new Thread(() -> {
      try {
        take(registry); // the request is in: the client now waits for a body that does not come
        cancellation.cancel();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    canceller.start();
    JimgException e = assertThrows(JimgException.class,
        () -> client.fetchBlob("team/app", descriptor, OutputStream.nullOutputStream()));
    canceller.join();
    // A read timeout (5 s here) would end it as FAILED: CANCELLED says the cancel ended the read.
    assertEquals(JimgException.Reason.CANCELLED, e.reason());
  }

  @Test
  void aCancelledDownloadStopsBetweenBuffers() throws Exception {
    registry.enqueue(blob(layer));
    Cancellation cancellation = Cancellation.of("the pull");
    List<Long> progress = new ArrayList<>();
    RegistryClient client = client().cancellation(cancellation).listener(new RegistryListener() {
      @Override
      public void progress(Digest blob, long done, long total) {
        progress.add(done);
        cancellation.cancel();
      }
    }).build();
    JimgException e = assertThrows(JimgException.class,
        () -> client.fetchBlob("team/app", descriptor, OutputStream.nullOutputStream()));
    assertEquals(JimgException.Reason.CANCELLED, e.reason());
    assertEquals(List.of(1L << 20), progress);
  }
}
