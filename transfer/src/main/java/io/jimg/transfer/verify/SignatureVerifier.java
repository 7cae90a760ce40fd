package io.jimg.transfer.verify;

import io.jimg.images.JimgException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReason;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Checks a detached OpenPGP signature over the exact bytes of a checksum file. Bouncy Castle checks only the
 * mathematics; the rest is done here: the signer must be a key in the trusted set, the signature must have been
 * made while that key was valid (after its creation, before its expiry, and not revoked, unless it was merely
 * superseded after the signature was made), and by a key allowed to sign: a primary key whose self-signature
 * allows signing, or a subkey with a valid binding that allows signing and a valid back-signature. Every
 * signature in the file must pass; an unknown signer is a failure, as it is for gpgv.
 */
public final class SignatureVerifier {
  /** systemd-pull refuses signatures larger than this. */
  public static final int MAX_SIZE = 1024 * 1024;

  private static final PGPContentVerifierBuilderProvider VERIFIERS = new BcPGPContentVerifierBuilderProvider();

  private final TrustedKeys keys;

  public SignatureVerifier(TrustedKeys keys) {
    this.keys = keys;
  }

  /** A signature that checked out: who made it, with which key, and when. */
  public record Signer(String primaryKeyId, String signingKeyId, Instant created) {}

  /**
   * Verifies {@code signature} (binary or armored) over {@code data}; {@code source} names the signature file.
   * Returns the signers, or throws a {@link JimgException.Reason#VERIFICATION} saying which check failed.
   */
  public List<Signer> verify(byte[] data, byte[] signature, String source) throws JimgException {
    if (signature.length > MAX_SIZE) {
      throw failure(source + " is larger than 1 MiB (" + signature.length + " bytes)");
    }
    PGPSignatureList list = readDetached(signature, source);
    List<Signer> signers = new ArrayList<>();
    for (PGPSignature sig : list) {
      signers.add(verifyOne(sig, data, source));
    }
    return signers;
  }

  private static PGPSignatureList readDetached(byte[] signature, String source) throws JimgException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
      BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
      Object first = factory.nextObject();
      if (!(first instanceof PGPSignatureList list) || list.isEmpty()) {
        throw failure(source + " is not a detached signature: it holds "
            + (first == null ? "nothing" : describe(first))
            + " (a signed message is not accepted; make one with gpg --detach-sign)");
      }
      Object next = factory.nextObject();
      if (next != null) {
        throw failure(source + " holds " + describe(next) + " after its signature; a detached signature holds nothing else");
      }
      return list;
    } catch (JimgException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw failure(source + " is not an OpenPGP signature: " + e.getMessage());
    }
  }

  private static String describe(Object object) {
    String name = object.getClass().getSimpleName();
    return switch (name) {
      case "PGPCompressedData" -> "a compressed signed message";
      case "PGPOnePassSignatureList" -> "a one-pass signed message";
      case "PGPLiteralData" -> "literal data";
      case "PGPPublicKeyRing" -> "a public key";
      default -> "a " + name;
    };
  }

  private Signer verifyOne(PGPSignature sig, byte[] data, String source) throws JimgException {
    long issuer = sig.getKeyID();
    String issuerId = KeyIds.format(issuer);
    List<PGPPublicKeyRing> rings = keys.ringsHolding(issuer);
    if (rings.isEmpty()) {
      throw failure(source + ": signed by unknown key " + issuerId + "; trusted keys: " + String.join(", ", keys.keyIds()));
    }
    if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
      throw failure(source + ": signature by key " + issuerId + " is of type 0x"
          + Integer.toHexString(sig.getSignatureType()) + ", not a binary document signature");
    }
    int hash = sig.getHashAlgorithm();
    if (hash == HashAlgorithmTags.MD5 || hash == HashAlgorithmTags.SHA1 || hash == HashAlgorithmTags.RIPEMD160) {
      throw failure(source + ": signature by key " + issuerId + " uses a broken hash algorithm (" + hash + ")");
    }
    JimgException last = null;
    for (PGPPublicKeyRing ring : rings) {
      try {
        return verifyWith(ring, ring.getPublicKey(issuer), sig, data, source);
      } catch (JimgException e) {
        last = e;
      }
    }
    throw last;
  }

  private static Signer verifyWith(PGPPublicKeyRing ring, PGPPublicKey key, PGPSignature sig, byte[] data,
      String source) throws JimgException {
    PGPPublicKey primary = ring.getPublicKey();
    String keyId = KeyIds.format(key.getKeyID());
    String primaryId = KeyIds.format(primary.getKeyID());
    String who = key == primary ? "key " + keyId : "subkey " + keyId + " of key " + primaryId;
    try {
      sig.init(VERIFIERS, key);
      sig.update(data);
      if (!sig.verify()) {
        throw failure(source + ": BAD signature by " + who + ": the checksum file was changed after signing");
      }
    } catch (PGPException e) {
      throw failure(source + ": cannot check the signature by " + who + ": " + e.getMessage());
    }
    Instant made = sig.getCreationTime().toInstant();
    PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();

    PGPSignature selfSignature = latestValidSelfSignature(primary);
    if (selfSignature == null) {
      throw failure(source + ": key " + primaryId + " has no valid self-signature");
    }
    checkLifetime(primary, selfSignature, made, "key " + primaryId, source);
    checkRevocation(primary, primary, PGPSignature.KEY_REVOCATION, made, "key " + primaryId, source);

    if (key == primary) {
      checkMaySign(primary, selfSignature, "key " + primaryId, source);
    } else {
      PGPSignature binding = latestValidBinding(primary, key);
      if (binding == null) {
        throw failure(source + ": " + who + " has no valid binding signature");
      }
      checkLifetime(key, binding, made, who, source);
      checkRevocation(primary, key, PGPSignature.SUBKEY_REVOCATION, made, who, source);
      int flags = binding.getHashedSubPackets() == null ? 0 : binding.getHashedSubPackets().getKeyFlags();
      if ((flags & KeyFlags.SIGN_DATA) == 0) {
        throw failure(source + ": " + who + " is not allowed to sign (its binding lacks the sign flag)");
      }
      if (!hasValidBackSignature(primary, key, binding)) {
        throw failure(source + ": " + who + " has no valid back-signature (primary key binding)");
      }
    }
    return new Signer(primaryId, keyId, made);
  }

  private static void checkLifetime(PGPPublicKey key, PGPSignature selfSignature, Instant made, String who,
      String source) throws JimgException {
    Instant created = key.getCreationTime().toInstant();
    if (made.isBefore(created)) {
      throw failure(source + ": signature made " + made + " before " + who + " was created (" + created + ")");
    }
    PGPSignatureSubpacketVector hashed = selfSignature.getHashedSubPackets();
    long validSeconds = hashed == null ? 0 : hashed.getKeyExpirationTime();
    if (validSeconds > 0) {
      Instant expires = created.plusSeconds(validSeconds);
      if (!made.isBefore(expires)) {
        throw failure(source + ": signature made " + made + " after " + who + " expired (" + expires + ")");
      }
    }
  }

  private static void checkRevocation(PGPPublicKey primary, PGPPublicKey key, int type, Instant made, String who,
      String source) throws JimgException {
    for (Iterator<PGPSignature> it = key.getSignaturesOfType(type); it.hasNext(); ) {
      PGPSignature revocation = it.next();
      if (revocation.getKeyID() != primary.getKeyID() || !verifies(revocation, primary, key)) {
        continue;
      }
      RevocationReason reason = revocation.getHashedSubPackets() == null
          ? null : revocation.getHashedSubPackets().getRevocationReason();
      Instant revoked = revocation.getCreationTime().toInstant();
      boolean superseded = reason != null && reason.getRevocationReason() == RevocationReasonTags.KEY_SUPERSEDED;
      if (superseded && made.isBefore(revoked)) {
        continue;
      }
      throw failure(source + ": " + who + " was revoked " + revoked + " (" + describe(reason) + ")");
    }
  }

  private static String describe(RevocationReason reason) {
    if (reason == null) {
      return "no reason given";
    }
    String kind = switch (reason.getRevocationReason()) {
      case RevocationReasonTags.KEY_SUPERSEDED -> "superseded, and the signature is newer";
      case RevocationReasonTags.KEY_COMPROMISED -> "compromised";
      case RevocationReasonTags.KEY_RETIRED -> "retired";
      default -> "no reason given";
    };
    String text = reason.getRevocationDescription();
    return text == null || text.isEmpty() ? kind : kind + ": " + text;
  }

  private static void checkMaySign(PGPPublicKey primary, PGPSignature selfSignature, String who, String source)
      throws JimgException {
    PGPSignatureSubpacketVector hashed = selfSignature.getHashedSubPackets();
    if (hashed != null && hashed.hasSubpacket(org.bouncycastle.bcpg.SignatureSubpacketTags.KEY_FLAGS)) {
      if ((hashed.getKeyFlags() & KeyFlags.SIGN_DATA) == 0) {
        throw failure(source + ": " + who + " is not allowed to sign (its self-signature lacks the sign flag)");
      }
      return;
    }
    switch (primary.getAlgorithm()) {
      case PGPPublicKey.RSA_GENERAL, PGPPublicKey.DSA, PGPPublicKey.ECDSA, PGPPublicKey.EDDSA_LEGACY,
          PGPPublicKey.Ed25519, PGPPublicKey.Ed448 -> { }
      default -> throw failure(source + ": " + who + " uses an algorithm that cannot sign");
    }
  }

  /** The newest self-signature that verifies: user id certifications and direct-key signatures by the key itself. */
  private static PGPSignature latestValidSelfSignature(PGPPublicKey primary) {
    PGPSignature latest = null;
    for (Iterator<byte[]> ids = primary.getRawUserIDs(); ids.hasNext(); ) {
      byte[] id = ids.next();
      for (Iterator<PGPSignature> it = primary.getSignaturesForID(id); it.hasNext(); ) {
        PGPSignature sig = it.next();
        if (isCertification(sig) && sig.getKeyID() == primary.getKeyID() && verifiesUserId(sig, primary, id)
            && (latest == null || sig.getCreationTime().after(latest.getCreationTime()))) {
          latest = sig;
        }
      }
    }
    for (Iterator<PGPSignature> it = primary.getSignaturesOfType(PGPSignature.DIRECT_KEY); it.hasNext(); ) {
      PGPSignature sig = it.next();
      if (sig.getKeyID() == primary.getKeyID() && verifies(sig, primary, primary)
          && (latest == null || sig.getCreationTime().after(latest.getCreationTime()))) {
        latest = sig;
      }
    }
    return latest;
  }

  private static boolean isCertification(PGPSignature sig) {
    int type = sig.getSignatureType();
    return type == PGPSignature.DEFAULT_CERTIFICATION || type == PGPSignature.NO_CERTIFICATION
        || type == PGPSignature.CASUAL_CERTIFICATION || type == PGPSignature.POSITIVE_CERTIFICATION;
  }

  private static PGPSignature latestValidBinding(PGPPublicKey primary, PGPPublicKey subkey) {
    PGPSignature latest = null;
    for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
      PGPSignature sig = it.next();
      if (sig.getKeyID() == primary.getKeyID() && verifies(sig, primary, subkey)
          && (latest == null || sig.getCreationTime().after(latest.getCreationTime()))) {
        latest = sig;
      }
    }
    return latest;
  }

  private static boolean hasValidBackSignature(PGPPublicKey primary, PGPPublicKey subkey, PGPSignature binding) {
    List<PGPSignatureList> lists = new ArrayList<>();
    try {
      if (binding.getHashedSubPackets() != null) {
        lists.add(binding.getHashedSubPackets().getEmbeddedSignatures());
      }
      if (binding.getUnhashedSubPackets() != null) {
        lists.add(binding.getUnhashedSubPackets().getEmbeddedSignatures());
      }
      for (PGPSignatureList list : lists) {
        for (PGPSignature back : list) {
          if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING) {
            back.init(VERIFIERS, subkey);
            if (back.verifyCertification(primary, subkey)) {
              return true;
            }
          }
        }
      }
    } catch (PGPException | RuntimeException e) {
      return false;
    }
    return false;
  }

  /** Whether a signature by {@code signer} over {@code key} (a direct-key, binding or revocation one) verifies. */
  private static boolean verifies(PGPSignature sig, PGPPublicKey signer, PGPPublicKey key) {
    try {
      sig.init(VERIFIERS, signer);
      return signer == key ? sig.verifyCertification(key) : sig.verifyCertification(signer, key);
    } catch (PGPException | RuntimeException e) {
      return false;
    }
  }

  private static boolean verifiesUserId(PGPSignature sig, PGPPublicKey primary, byte[] id) {
    try {
      sig.init(VERIFIERS, primary);
      return sig.verifyCertification(id, primary);
    } catch (PGPException | RuntimeException e) {
      return false;
    }
  }

  private static JimgException failure(String message) {
    return new JimgException(JimgException.Reason.VERIFICATION, "signature check failed: " + message);
  }
}
