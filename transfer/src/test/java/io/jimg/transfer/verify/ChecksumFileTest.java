package io.jimg.transfer.verify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChecksumFileTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private static ChecksumFile sums(String content) throws JimgException {
    return ChecksumFile.sums(content.getBytes(StandardCharsets.UTF_8), "SHA256SUMS");
  }

  @Test
  void readsTheThreeLineFormsSystemdPullAccepts() throws JimgException {
    ChecksumFile file = sums(A + " *binary.tar\n" + B + "  text.tar\n" + A + " single.raw\n");
    assertEquals(Set.of(A), file.digestsFor("binary.tar"));
    assertEquals(Set.of(B), file.digestsFor("text.tar"));
    assertEquals(Set.of(A), file.digestsFor("single.raw"));
  }

  @Test
  void matchesTheExactNameOnly() throws JimgException {
    ChecksumFile file = sums(A + " *image.tar.xz\n" + B + " *./other.tar\n");
    assertEquals(Set.of(), file.digestsFor("image.tar"));
    assertEquals(Set.of(), file.digestsFor("mage.tar.xz"));
    assertEquals(Set.of(), file.digestsFor("other.tar"));
  }

  @Test
  void countsOnlyWholeLinesThatStartWithTheDigest() throws JimgException {
    assertEquals(Set.of(), sums("x" + A + " *image.tar\n").digestsFor("image.tar"));
    assertEquals(Set.of(), sums(A + " *image.tar").digestsFor("image.tar"), "no newline, as systemd-pull");
    assertEquals(Set.of(), sums(A.toUpperCase() + " *image.tar\n").digestsFor("image.tar"));
    assertEquals(Set.of(), sums(A + " *image.tar \n").digestsFor("image.tar"));
  }

  @Test
  void perFileChecksumMayBeABareDigest() throws JimgException {
    ChecksumFile file = ChecksumFile.perFile((A + "\n").getBytes(StandardCharsets.US_ASCII), "image.raw.sha256");
    assertEquals(Set.of(A), file.digestsFor("image.raw"));
    assertEquals(Set.of(), sums(A + "\n").digestsFor("image.raw"));
  }

  @Test
  void checkNamesTheMismatchAndRefusesAmbiguity() throws JimgException {
    byte[] a = HexFormat.of().parseHex(A);
    assertDoesNotThrow(() -> sums(A + " *image.tar\n").check("image.tar", a));
    JimgException mismatch = assertThrows(JimgException.class, () -> sums(B + " *image.tar\n").check("image.tar", a));
    assertEquals(JimgException.Reason.VERIFICATION, mismatch.reason());
    assertTrue(mismatch.getMessage().contains("checksum mismatch for image.tar"), mismatch.getMessage());
    assertThrows(JimgException.class, () -> sums(A + " *other.tar\n").check("image.tar", a));
    assertThrows(JimgException.class, () -> sums(A + " *image.tar\n" + B + "  image.tar\n").check("image.tar", a));
  }

  @Test
  void refusesAChecksumFileOverOneMebibyte() {
    JimgException e = assertThrows(JimgException.class,
        () -> ChecksumFile.sums(new byte[ChecksumFile.MAX_SIZE + 1], "SHA256SUMS"));
    assertTrue(e.getMessage().contains("larger than 1 MiB"));
  }
}
