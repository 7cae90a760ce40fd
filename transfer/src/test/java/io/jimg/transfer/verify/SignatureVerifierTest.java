package io.jimg.transfer.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacket;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureVerifierTest {
  private static final byte[] SUMS =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *image.tar.xz\n".getBytes(StandardCharsets.UTF_8);

  static Gnupg gpg;
  static String good;
  static String expiring;
  static String compromised;
  static String superseded;
  static String withSubkey;
  static String subkey;
  static String stranger;
  static String dated;
  static String lateSubkey;
  static String lateSubkeyPrimary;
  static String expiringSubkey;
  static String expiringSubkeyPrimary;
  static String revokedSubkey;
  static String revokedSubkeyPrimary;
  static String demotedSubkey;
  static String demotedSubkeyPrimary;
  static String notedSubkey;
  static String notedSubkeyPrimary;

  @TempDir static Path keys;

  @BeforeAll
  static void makeKeys() throws IOException {
    Requirements.requireTool("gpg");
    gpg = new Gnupg();
    good = gpg.generateKey("Good <good@example.org>", null, "never");
    expiring = gpg.generateKey("Expiring <expiring@example.org>", "20200101T000000", "never");
    compromised = gpg.generateKey("Compromised <compromised@example.org>", "20200101T000000", "never");
    superseded = gpg.generateKey("Superseded <superseded@example.org>", "20200101T000000", "never");
    withSubkey = gpg.generateKey("Subkey <subkey@example.org>", "20200101T000000", "never");
    subkey = gpg.addSigningSubkey(withSubkey, "20200102T000000");
    stranger = gpg.generateKey("Stranger <stranger@example.org>", null, "never");
    dated = gpg.generateKey("Dated <dated@example.org>", "20200101T000000", "never");
    lateSubkeyPrimary = gpg.generateKey("Late <late@example.org>", "20200101T000000", "never");
    lateSubkey = gpg.addSigningSubkey(lateSubkeyPrimary, "20200110T000000");
    expiringSubkeyPrimary = gpg.generateKey("Expiring subkey <expiring-subkey@example.org>", "20200101T000000", "never");
    expiringSubkey = gpg.addSigningSubkey(expiringSubkeyPrimary, "20200102T000000");
    revokedSubkeyPrimary = gpg.generateKey("Revoked subkey <revoked-subkey@example.org>", "20200101T000000", "never");
    revokedSubkey = gpg.addSigningSubkey(revokedSubkeyPrimary, "20200102T000000");
    demotedSubkeyPrimary = gpg.generateKey("Demoted subkey <demoted-subkey@example.org>", "20200101T000000", "never");
    demotedSubkey = gpg.addSigningSubkey(demotedSubkeyPrimary, "20200102T000000");
    notedSubkeyPrimary = gpg.generateKey("Noted subkey <noted-subkey@example.org>", "20200101T000000", "never");
    notedSubkey = gpg.addSigningSubkey(notedSubkeyPrimary, "20200102T000000", "--cert-notation", "!binding@example.org=v");
  }

  @AfterAll
  static void dropKeys() throws IOException {
    if (gpg != null) {
      gpg.close();
    }
  }

  private static SignatureVerifier trusting(String... fingerprints) throws IOException {
    return trustingAt(Clock.systemUTC(), fingerprints);
  }

  /** A verifier whose time of verification is {@code clock}'s. */
  private static SignatureVerifier trustingAt(Clock clock, String... fingerprints) throws IOException {
    Path keyring = gpg.keyring(keys, "ring-" + System.nanoTime() + ".gpg", false, fingerprints);
    return new SignatureVerifier(TrustedKeys.load(List.of(keyring)), clock);
  }

  private static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }

  private static String failure(SignatureVerifier verifier, byte[] data, byte[] signature) {
    JimgException e = assertThrows(JimgException.class, () -> verifier.verify(data, signature, "SHA256SUMS.gpg"));
    assertEquals(JimgException.Reason.VERIFICATION, e.reason());
    assertFalse(e.getMessage().startsWith("jimg:"), "the command line adds the prefix");
    return e.getMessage();
  }

  @Test
  void acceptsBinaryAndArmoredDetachedSignaturesByATrustedKey() throws IOException {
    SignatureVerifier verifier = trusting(good);
    for (boolean armor : new boolean[] {false, true}) {
      List<SignatureVerifier.Signer> signers =
          verifier.verify(SUMS, gpg.detachSign(good, SUMS, null, armor), "SHA256SUMS.gpg");
      assertEquals(1, signers.size());
      assertTrue(good.endsWith(signers.get(0).signingKeyId()), signers.toString());
    }
  }

  @Test
  void refusesAChecksumFileChangedAfterSigning() throws IOException {
    byte[] signature = gpg.detachSign(good, SUMS, null, false);
    byte[] changed = SUMS.clone();
    changed[0] = '1';
    assertTrue(failure(trusting(good), changed, signature).contains("BAD signature"));
  }

  @Test
  void refusesAnUnknownSignerAndNamesTheKeys() throws IOException {
    String message = failure(trusting(good), SUMS, gpg.detachSign(stranger, SUMS, null, false));
    assertTrue(message.contains("unknown key " + stranger.substring(24)), message);
    assertTrue(message.contains(good.substring(24)), message);
  }

  @Test
  void acceptsASignatureMadeBeforeExpiryAndRefusesOneMadeAfter() throws IOException {
    byte[] before = gpg.detachSign(expiring, SUMS, "20200103T000000", false);
    byte[] after = gpg.detachSign(expiring, SUMS, "20200301T000000", false);
    gpg.setExpiry(expiring, "20200105T000000", "2020-01-10");
    SignatureVerifier verifier = trusting(expiring);
    assertEquals(1, verifier.verify(SUMS, before, "SHA256SUMS.gpg").size());
    assertTrue(failure(verifier, SUMS, after).contains("expired"));
  }

  @Test
  void refusesACompromisedKeyWhateverTheSignaturesDate() throws IOException {
    byte[] early = gpg.detachSign(compromised, SUMS, "20200103T000000", false);
    gpg.revoke(compromised, 1, "20250101T000000");
    String message = failure(trusting(compromised), SUMS, early);
    assertTrue(message.contains("revoked") && message.contains("compromised"), message);
  }

  @Test
  void acceptsASupersededKeysSignatureOnlyFromBeforeTheRevocation() throws IOException {
    byte[] early = gpg.detachSign(superseded, SUMS, "20200103T000000", false);
    byte[] late = gpg.detachSign(superseded, SUMS, "20260101T000000", false);
    gpg.revoke(superseded, 2, "20250101T000000");
    SignatureVerifier verifier = trusting(superseded);
    assertEquals(1, verifier.verify(SUMS, early, "SHA256SUMS.gpg").size());
    assertTrue(failure(verifier, SUMS, late).contains("revoked"));
  }

  @Test
  void aKeyRevokedByItsDesignatedRevokerIsRefused() throws IOException {
    String revoker = gpg.generateKey("Revoker <revoker@example.org>", "20200101T000000", "never");
    String designating = gpg.generateKey("Designating <designating@example.org>", "20200101T000000", "never");
    gpg.addRevoker(designating, revoker, "20200102T000000");
    byte[] signature = gpg.detachSign(designating, SUMS, "20200103T000000", false);
    assertEquals(1, trusting(designating, revoker).verify(SUMS, signature, "SHA256SUMS.gpg").size());
    gpg.revokeAsDesignatedRevoker(designating, 1, "20240101T000000");
    String message = failure(trusting(designating, revoker), SUMS, signature);
    assertTrue(message.contains("key " + designating.substring(24) + " was revoked 2024-01-01T00:00:00Z by its "
        + "designated revoker " + revoker.substring(24) + " (compromised"), message);
  }

  @Test
  void acceptsABoundSigningSubkey() throws IOException {
    List<SignatureVerifier.Signer> signers =
        trusting(withSubkey).verify(SUMS, gpg.detachSign(withSubkey, SUMS, "20200105T000000", false), "SHA256SUMS.gpg");
    assertTrue(subkey.endsWith(signers.get(0).signingKeyId()), signers.toString());
    assertTrue(withSubkey.endsWith(signers.get(0).primaryKeyId()), signers.toString());
  }

  @Test
  void acceptsALaterSignatureByTheSubkey() throws IOException {
    byte[] signature = gpg.detachSign(withSubkey, SUMS, "20300101T000000", false);
    assertEquals(1, trustingAt(at("2030-06-01T00:00:00Z"), withSubkey).verify(SUMS, signature, "s").size());
  }

  @Test
  void refusesASubkeyWithoutABinding() throws Exception {
    byte[] signature = gpg.detachSign(withSubkey, SUMS, "20200105T000000", false);
    PGPPublicKeyRing ring = TrustedKeys.parse(gpg.exportPublic(false, withSubkey), "ring").get(0);
    PGPPublicKey unbound = ring.getPublicKey(new java.math.BigInteger(subkey.substring(24), 16).longValue());
    for (java.util.Iterator<PGPSignature> it = unbound.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
      unbound = PGPPublicKey.removeCertification(unbound, it.next());
    }
    String message = failure(trustingRing(PGPPublicKeyRing.insertPublicKey(ring, unbound)), SUMS, signature);
    assertTrue(message.contains("has no valid binding signature"), message);
  }

  @Test
  void anExpiredSignatureIsRefused() throws IOException {
    byte[] signature = gpg.detachSign(dated, SUMS, "20200103T000000", "--default-sig-expire", "2d");
    assertEquals(1, trustingAt(at("2020-01-04T23:59:59Z"), dated).verify(SUMS, signature, "SHA256SUMS.gpg").size());
    for (SignatureVerifier verifier : List.of(trustingAt(at("2020-01-05T00:00:00Z"), dated), trusting(dated))) {
      String message = failure(verifier, SUMS, signature);
      assertTrue(message.contains("signature by key " + dated.substring(24) + " expired 2020-01-05T00:00:00Z"), message);
    }
  }

  @Test
  void aSignatureFromTheFutureIsRefused() throws IOException {
    byte[] signature = gpg.detachSign(dated, SUMS, "20200103T000000", false);
    String message = failure(trustingAt(at("2020-01-02T00:00:00Z"), dated), SUMS, signature);
    assertTrue(message.contains("was made 2020-01-03T00:00:00Z, later than this machine's time"), message);
  }

  @Test
  void aSignatureFromAMirrorWhoseClockIsAMinuteAheadCounts() throws IOException {
    byte[] signature = gpg.detachSign(dated, SUMS, "20200103T000000", false);
    assertEquals(1, trustingAt(at("2020-01-02T23:59:00Z"), dated).verify(SUMS, signature, "SHA256SUMS.gpg").size());
  }

  @Test
  void aSignatureWithACriticalNotationIsRefused() throws IOException {
    SignatureVerifier verifier = trusting(dated);
    byte[] plain = gpg.detachSign(dated, SUMS, "20200103T000000", "--sig-notation", "name@example.org=value");
    assertEquals(1, verifier.verify(SUMS, plain, "SHA256SUMS.gpg").size(), "a notation that is not critical is no bar");
    byte[] critical = gpg.detachSign(dated, SUMS, "20200103T000000", "--sig-notation", "!name@example.org=value");
    String message = failure(verifier, SUMS, critical);
    assertTrue(message.contains("critical notation name@example.org=value"), message);
  }

  @Test
  void aSignatureWithAnUnknownCriticalSubpacketIsRefused() throws Exception {
    // GnuPG cannot be asked for a subpacket it does not know, so its key signs here through Bouncy Castle.
    PGPSecretKeyRing secret = (PGPSecretKeyRing) new BcPGPObjectFactory(gpg.exportSecret(dated)).nextObject();
    PGPPublicKey key = secret.getPublicKey();
    PGPPrivateKey privateKey = secret.getSecretKey().extractPrivateKey(
        new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(Gnupg.passphrase().toCharArray()));
    PGPSignatureGenerator generator = new PGPSignatureGenerator(
        new BcPGPContentSignerBuilder(key.getAlgorithm(), HashAlgorithmTags.SHA256), key);
    generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
    PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
    hashed.setSignatureCreationTime(false, java.util.Date.from(Instant.parse("2020-01-03T00:00:00Z")));
    hashed.setIssuerKeyID(false, key.getKeyID());
    hashed.addCustomSubpacket(new SignatureSubpacket(105, true, false, new byte[] {1}) {});
    generator.setHashedSubpackets(hashed.generate());
    generator.update(SUMS);
    String message = failure(trusting(dated), SUMS, generator.generate().getEncoded());
    assertTrue(message.contains("critical subpacket of type 105"), message);
  }

  @Test
  void aSignatureMadeBeforeTheKeyExistedIsRefused() throws IOException {
    byte[] early = gpg.detachSign(dated, SUMS, "20191201T000000", "--ignore-time-conflict");
    String message = failure(trusting(dated), SUMS, early);
    assertTrue(message.contains("before key " + dated.substring(24) + " was created (2020-01-01T00:00:00Z)"), message);

    byte[] beforeSubkey = gpg.detachSign(lateSubkey + "!", SUMS, "20200105T000000", "--ignore-time-conflict",
        "--ignore-valid-from");
    message = failure(trusting(lateSubkeyPrimary), SUMS, beforeSubkey);
    assertTrue(message.contains("before subkey " + lateSubkey.substring(24)), message);
  }

  @Test
  void anExpiredSubkeysLaterSignatureIsRefused() throws IOException {
    byte[] before = gpg.detachSign(expiringSubkeyPrimary, SUMS, "20200103T000000", false);
    byte[] after = gpg.detachSign(expiringSubkeyPrimary, SUMS, "20200301T000000", false);
    gpg.setExpiry(expiringSubkeyPrimary, "20200105T000000", "2020-01-10", expiringSubkey);
    SignatureVerifier verifier = trusting(expiringSubkeyPrimary);
    assertTrue(expiringSubkey.endsWith(verifier.verify(SUMS, before, "SHA256SUMS.gpg").get(0).signingKeyId()));
    String message = failure(verifier, SUMS, after);
    assertTrue(message.contains("after subkey " + expiringSubkey.substring(24)) && message.contains("expired"), message);
  }

  @Test
  void aRevokedSubkeyIsRefused() throws IOException {
    byte[] signature = gpg.detachSign(revokedSubkeyPrimary, SUMS, "20200103T000000", false);
    gpg.revokeSubkey(revokedSubkeyPrimary, revokedSubkey, 1, "20240101T000000");
    String message = failure(trusting(revokedSubkeyPrimary), SUMS, signature);
    assertTrue(message.contains("subkey " + revokedSubkey.substring(24)) && message.contains("revoked")
        && message.contains("compromised"), message);
  }

  @Test
  void aSubkeyWithoutTheSignFlagIsRefused() throws IOException {
    byte[] signature = gpg.detachSign(demotedSubkeyPrimary, SUMS, "20200103T000000", false);
    gpg.changeUsage(demotedSubkeyPrimary, demotedSubkey, "20200104T000000", "SA");
    String message = failure(trusting(demotedSubkeyPrimary), SUMS, signature);
    assertTrue(message.contains("subkey " + demotedSubkey.substring(24)) && message.contains("not allowed to sign"),
        message);
  }

  @Test
  void aSubkeyWhoseBindingHasACriticalNotationIsRefused() throws IOException {
    byte[] signature = gpg.detachSign(notedSubkeyPrimary, SUMS, "20200103T000000", "--known-notation", "binding@example.org");
    String message = failure(trusting(notedSubkeyPrimary), SUMS, signature);
    assertTrue(message.contains("has no valid binding signature") && message.contains("critical notation binding@example.org"),
        message);
  }

  private static SignatureVerifier trustingRing(PGPPublicKeyRing ring) throws IOException {
    Path keyring = keys.resolve("edited-" + System.nanoTime() + ".gpg");
    Files.write(keyring, ring.getEncoded());
    return new SignatureVerifier(TrustedKeys.load(List.of(keyring)), Clock.systemUTC());
  }

  @Test
  void refusesASignedMessageWhereADetachedSignatureShouldBe() throws IOException {
    SignatureVerifier verifier = trusting(good);
    assertTrue(failure(verifier, SUMS, gpg.inlineSign(good, SUMS)).contains("not a detached signature"));
    assertTrue(failure(verifier, SUMS, gpg.clearSign(good, SUMS)).contains("signature check failed"));
    assertTrue(failure(verifier, SUMS, gpg.exportPublic(false, good)).contains("not a detached signature"));
    assertTrue(failure(verifier, SUMS, "not a signature\n".getBytes(StandardCharsets.US_ASCII))
        .contains("signature check failed"));
  }

  @Test
  void refusesAnOversizedSignature() throws IOException {
    assertTrue(failure(trusting(good), SUMS, new byte[SignatureVerifier.MAX_SIZE + 1]).contains("larger than 1 MiB"));
  }

  @Test
  void discoversKeyringsAsSystemdPullDoesWithJimgsDirectoryFirst(@TempDir Path root) throws IOException {
    assertThrows(JimgException.class, () -> TrustedKeys.discover(List.of(), root));
    gpg.keyring(root.resolve("usr/lib/systemd"), "import-pubring.gpg", false, stranger);
    assertEquals(List.of(root.resolve("usr/lib/systemd/import-pubring.gpg")), TrustedKeys.discover(List.of(), root).sources());
    gpg.keyring(root.resolve("etc/systemd"), "import-pubring.gpg", false, good);
    assertEquals(List.of(root.resolve("etc/systemd/import-pubring.gpg")), TrustedKeys.discover(List.of(), root).sources());
    gpg.keyring(root.resolve("etc/jimg/trusted.gpg.d"), "b.asc", true, good);
    gpg.keyring(root.resolve("etc/jimg/trusted.gpg.d"), "a.gpg", false, stranger);
    Files.writeString(root.resolve("etc/jimg/trusted.gpg.d/README"), "not a keyring");
    TrustedKeys jimg = TrustedKeys.discover(List.of(), root);
    assertEquals(List.of(root.resolve("etc/jimg/trusted.gpg.d/a.gpg"), root.resolve("etc/jimg/trusted.gpg.d/b.asc")),
        jimg.sources());
    assertEquals(2, jimg.keyIds().size());
    Path explicit = gpg.keyring(root, "explicit.gpg", false, good);
    assertEquals(List.of(explicit), TrustedKeys.discover(List.of(explicit), root).sources());
  }
}
