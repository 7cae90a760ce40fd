package io.jimg.transfer.pull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.verify.ChecksumFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a checked proof vouches for under each verification: a download's digest, a cache entry, a settings file. */
class ProofTest {
  private static final URI URL = URI.create("https://mirror.example/images/image.tar");
  private static final byte[] IMAGE = "the image".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SETTINGS = "[Exec]\nBoot=yes\n".getBytes(StandardCharsets.UTF_8);

  private final List<String> warnings = new ArrayList<>();
  private final StoreListener listener = new StoreListener() {
    @Override
    public void event(StoreEvent event) {
      if (event.kind() == StoreEvent.Kind.WARNING) {
        warnings.add(event.message());
      }
    }
  };

  private static byte[] digest(byte[] bytes) {
    return HexFormat.of().parseHex(TestImages.sha256(bytes));
  }

  private static Proof sums(Map<String, byte[]> files) throws JimgException {
    return new Proof(PullOptions.Verification.CHECKSUM, null,
        ChecksumFile.sums(TestImages.sums(files), URL.resolve("SHA256SUMS").toString()), List.of());
  }

  @Test
  void aGivenDigestVouchesForThoseBytesOnlyAndForNoSettingsFile() throws JimgException {
    Proof proof = new Proof(PullOptions.Verification.DIGEST, TestImages.sha256(IMAGE), null, List.of());
    proof.check(URL, "image.tar", digest(IMAGE));
    JimgException e = assertThrows(JimgException.class, () -> proof.check(URL, "image.tar", digest(SETTINGS)));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertTrue(proof.vouchesFor("image.tar", TestImages.sha256(IMAGE)));
    assertFalse(proof.vouchesFor("image.tar", TestImages.sha256(SETTINGS)));
    assertNull(proof.settings("image.nspawn", SETTINGS, listener));
    assertEquals(List.of("not fetching image.nspawn: a digest on the command line cannot vouch for it"), warnings);
  }

  @Test
  void aChecksumFileVouchesForWhatItNamesWithTheDigestItGives() throws JimgException {
    Proof proof = sums(Map.of("image.tar", IMAGE, "image.nspawn", SETTINGS));
    proof.check(URL, "image.tar", digest(IMAGE));
    assertEquals(JimgException.Reason.VERIFICATION,
        assertThrows(JimgException.class, () -> proof.check(URL, "image.tar", digest(SETTINGS))).reason());
    assertTrue(proof.vouchesFor("image.tar", TestImages.sha256(IMAGE)));
    assertFalse(proof.vouchesFor("image.tar", TestImages.sha256(SETTINGS)), "a cache entry of other bytes");
    assertArrayEquals(SETTINGS, proof.settings("image.nspawn", SETTINGS, listener));
    byte[] changed = "[Exec]\nPrivateUsers=no\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(JimgException.Reason.VERIFICATION,
        assertThrows(JimgException.class, () -> proof.settings("image.nspawn", changed, listener)).reason());
    assertEquals(List.of(), warnings);
  }

  @Test
  void aPerFileChecksumVouchesForNoSettingsFile() throws JimgException {
    byte[] line = (TestImages.sha256(IMAGE) + " *image.tar\n").getBytes(StandardCharsets.UTF_8);
    Proof proof = new Proof(PullOptions.Verification.SIGNATURE, null,
        ChecksumFile.perFile(line, URL + ".sha256", "image.tar"), List.of());
    proof.check(URL, "image.tar", digest(IMAGE));
    assertNull(proof.settings("image.nspawn", SETTINGS, listener));
    assertEquals(List.of("not installing image.nspawn: the per-file checksum does not cover it"), warnings);
  }

  @Test
  void withoutVerificationEverythingPassesAndTheSettingsAreSaidToBeUnverified() throws JimgException {
    Proof proof = new Proof(PullOptions.Verification.NO, null, null, List.of());
    proof.check(URL, "image.tar", digest(IMAGE));
    assertTrue(proof.vouchesFor("image.tar", TestImages.sha256(SETTINGS)));
    assertNull(proof.settings("image.nspawn", null, listener), "none on the server");
    assertArrayEquals(SETTINGS, proof.settings("image.nspawn", SETTINGS, listener));
    assertEquals(List.of("installing image.nspawn unverified (--verify=no)"), warnings);
  }
}
