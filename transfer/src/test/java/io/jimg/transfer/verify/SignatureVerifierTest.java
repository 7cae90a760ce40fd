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
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
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
  }

  @AfterAll
  static void dropKeys() throws IOException {
    if (gpg != null) {
      gpg.close();
    }
  }

  private static SignatureVerifier trusting(String... fingerprints) throws IOException {
    Path keyring = gpg.keyring(keys, "ring-" + System.nanoTime() + ".gpg", false, fingerprints);
    return new SignatureVerifier(TrustedKeys.load(List.of(keyring)));
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
  void acceptsABoundSigningSubkey() throws IOException {
    List<SignatureVerifier.Signer> signers =
        trusting(withSubkey).verify(SUMS, gpg.detachSign(withSubkey, SUMS, "20200105T000000", false), "SHA256SUMS.gpg");
    assertTrue(subkey.endsWith(signers.get(0).signingKeyId()), signers.toString());
    assertTrue(withSubkey.endsWith(signers.get(0).primaryKeyId()), signers.toString());
  }

  @Test
  void acceptsALaterSignatureByTheSubkey() throws IOException {
    byte[] signature = gpg.detachSign(withSubkey, SUMS, "20300101T000000", false);
    assertEquals(1, trusting(withSubkey).verify(SUMS, signature, "s").size());
  }

  @Test
  void refusesASubkeyWithoutABindingOrWithoutTheSignFlag() throws Exception {
    byte[] signature = gpg.detachSign(withSubkey, SUMS, "20200105T000000", false);
    PGPPublicKeyRing ring = TrustedKeys.parse(gpg.exportPublic(false, withSubkey), "ring").get(0);
    PGPPublicKey primary = ring.getPublicKey();
    PGPPublicKey unbound = ring.getPublicKey(new java.math.BigInteger(subkey.substring(24), 16).longValue());
    for (java.util.Iterator<PGPSignature> it = unbound.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
      unbound = PGPPublicKey.removeCertification(unbound, it.next());
    }
    String message = failure(trustingRing(PGPPublicKeyRing.insertPublicKey(ring, unbound)), SUMS, signature);
    assertTrue(message.contains("has no valid binding signature"), message);

    // Bound again by the real primary key, but for encryption only.
    PGPSecretKeyRing secret = (PGPSecretKeyRing) new BcPGPObjectFactory(gpg.exportSecret(withSubkey)).nextObject();
    PGPPrivateKey primaryKey = secret.getSecretKey().extractPrivateKey(
        new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(Gnupg.passphrase().toCharArray()));
    PGPSignatureGenerator generator = new PGPSignatureGenerator(
        new BcPGPContentSignerBuilder(primary.getAlgorithm(), HashAlgorithmTags.SHA256), primary);
    generator.init(PGPSignature.SUBKEY_BINDING, primaryKey);
    PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
    hashed.setSignatureCreationTime(false, java.util.Date.from(java.time.Instant.parse("2020-01-03T00:00:00Z")));
    hashed.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
    hashed.setIssuerKeyID(false, primary.getKeyID());
    generator.setHashedSubpackets(hashed.generate());
    PGPPublicKey encryptionOnly = PGPPublicKey.addCertification(unbound, generator.generateCertification(primary, unbound));
    message = failure(trustingRing(PGPPublicKeyRing.insertPublicKey(ring, encryptionOnly)), SUMS, signature);
    assertTrue(message.contains("is not allowed to sign"), message);
  }

  private static SignatureVerifier trustingRing(PGPPublicKeyRing ring) throws IOException {
    Path keyring = keys.resolve("edited-" + System.nanoTime() + ".gpg");
    Files.write(keyring, ring.getEncoded());
    return new SignatureVerifier(TrustedKeys.load(List.of(keyring)));
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
