package io.jimg.transfer.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/** What every {@link NativeDecoderStream} must do when it is closed, checked the same way for each library. */
final class NativeDecoderChecks {
  private NativeDecoderChecks() {}

  interface Opener {
    InputStream open(InputStream encoded) throws IOException;
  }

  /**
   * A tar import closes its decoder from the reading thread while the decoding thread may be inside the library:
   * the read fails with {@code closedMessage} or ends, never crashes or hangs, and every later read fails.
   */
  static void closingWhileAnotherThreadReadsNeitherCrashesNorHangs(Opener opener, byte[] encoded,
      String closedMessage) throws Exception {
    for (int round = 0; round < 20; round++) {
      InputStream in = opener.open(new ByteArrayInputStream(encoded));
      CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
        byte[] buffer = new byte[4096];
        try {
          while (in.read(buffer, 0, buffer.length) >= 0) {
            // until closed under it
          }
        } catch (IOException e) {
          assertEquals(closedMessage, e.getMessage());
        }
      });
      Thread.sleep(round % 4);
      in.close();
      in.close();
      reading.get();
      assertThrows(IOException.class, () -> in.read(new byte[1], 0, 1));
    }
  }

  static void closingClosesTheSource(Opener opener, byte[] encoded) throws IOException {
    boolean[] closed = {false};
    InputStream source = new ByteArrayInputStream(encoded) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    opener.open(source).close();
    assertTrue(closed[0]);
  }
}
