package io.jimg.transfer.verify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
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

  private static ChecksumFile perFile(String content, String fileName) throws JimgException {
    return ChecksumFile.perFile(content.getBytes(StandardCharsets.UTF_8), fileName + ".sha256", fileName);
  }

  @Test
  void aBarePerFileDigestIsTakenWithAWarningThatItNamesNoFile() throws JimgException {
    ChecksumFile file = perFile(A + "\n", "image.raw");
    assertEquals(Set.of(A), file.digestsFor("image.raw"));
    assertEquals(Set.of(), file.digestsFor("other.raw"), "a per-file checksum speaks for its own file only");
    assertEquals(1, file.warnings().size());
    String warning = file.warnings().get(0);
    assertTrue(warning.contains("image.raw.sha256 gives a bare digest that names no file")
        && warning.contains("taken as image.raw's"), warning);
    assertEquals(Set.of(), sums(A + "\n").digestsFor("image.raw"), "SHA256SUMS has no bare form");
    assertEquals(List.of(), sums(A + " *image.raw\n").warnings());
  }

  @Test
  void aPerFileDigestThatNamesThePulledFileIsTakenWithoutWarning() throws JimgException {
    for (String separator : List.of(" *", "  ", " ")) {
      ChecksumFile file = perFile(A + separator + "image.tar.xz\n", "image.tar.xz");
      assertEquals(Set.of(A), file.digestsFor("image.tar.xz"));
      assertEquals(List.of(), file.warnings());
    }
  }

  @Test
  void aPerFileDigestOfAnotherFileIsRefused() {
    for (String separator : List.of(" *", "  ", " ")) {
      JimgException e = assertThrows(JimgException.class,
          () -> perFile(A + separator + "other.tar.xz\n", "image.tar.xz"));
      assertEquals(JimgException.Reason.VERIFICATION, e.reason());
      assertEquals("image.tar.xz.sha256 gives the SHA-256 of other.tar.xz, not of image.tar.xz: a per-file checksum "
          + "speaks only for the file it names", e.getMessage());
    }
    assertThrows(JimgException.class, () -> perFile(A + "\n" + A + " *./image.tar.xz\n", "image.tar.xz"),
        "a bare digest does not excuse a line that names another file");
    JimgException e = assertThrows(JimgException.class, () -> perFile(A + " *" + "x".repeat(100_000) + "\n", "i.tar"));
    assertTrue(e.getMessage().length() < 400, "a hostile name is cut short in the message");
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
