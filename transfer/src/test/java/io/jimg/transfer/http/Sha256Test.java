package io.jimg.transfer.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jimg.btrfs.testing.Requirements;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** libcrypto's digest must be the JDK's to the bit, whatever the sizes of the pieces it is fed. */
class Sha256Test {
  @Test
  void libcryptoIsUsedWhereItIsInstalled() {
    try (Sha256 sha256 = Sha256.create()) {
      Requirements.require(sha256.getClass().getSimpleName().equals("OpenSsl"),
          "libcrypto (Debian's libssl3, which openssl brings) to load");
    }
  }

  @Test
  void digestEqualsTheJdksForPiecesOfEverySize() throws Exception {
    Random random = new Random(42);
    byte[] buffer = new byte[1 << 20];
    for (int pieces : new int[] {0, 1, 3, 17}) {
      MessageDigest expected = MessageDigest.getInstance("SHA-256");
      try (Sha256 sha256 = Sha256.create()) {
        for (int i = 0; i < pieces; i++) {
          random.nextBytes(buffer);
          int length = i == 0 ? 1 : random.nextInt(buffer.length + 1);
          sha256.update(buffer, length);
          expected.update(buffer, 0, length);
        }
        assertArrayEquals(expected.digest(), sha256.digest(), pieces + " pieces");
      }
    }
  }
}
