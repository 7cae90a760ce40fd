package io.jimg.transfer.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The digest used is libcrypto's, and it is the JDK's to the bit, whatever the sizes of the pieces it is fed. */
class Sha256Test {
  /** Every pull hashes its download: on Debian, where libcrypto is installed, the fast digest is the one used. */
  @Test
  void libcryptoIsUsed() {
    try (Sha256 sha256 = Sha256.create()) {
      assertLibcrypto(sha256);
    }
  }

  @Test
  void digestEqualsTheJdksForPiecesOfEverySize() throws Exception {
    Random random = new Random(42);
    byte[] buffer = new byte[1 << 20];
    for (int pieces : new int[] {0, 1, 3, 17}) {
      MessageDigest expected = MessageDigest.getInstance("SHA-256");
      try (Sha256 sha256 = Sha256.create()) {
        assertLibcrypto(sha256);
        for (int i = 0; i < pieces; i++) {
          random.nextBytes(buffer);
          // Pieces from anywhere in the array: the tar reader hands the hashing stream ranges that start midway.
          int offset = i == 0 ? 0 : random.nextInt(buffer.length);
          int length = i == 0 ? 1 : random.nextInt(buffer.length - offset + 1);
          sha256.update(buffer, offset, length);
          expected.update(buffer, offset, length);
        }
        assertArrayEquals(expected.digest(), sha256.digest(), pieces + " pieces");
      }
    }
  }

  private static void assertLibcrypto(Sha256 sha256) {
    assertEquals("OpenSsl", sha256.getClass().getSimpleName(),
        "libcrypto (Debian's libssl3, which openssl brings) did not load: the JDK's slower digest was used");
  }
}
