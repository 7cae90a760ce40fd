package io.jimg.transfer.verify;

import static io.jimg.transfer.verify.SignatureVerifier.failure;

import io.jimg.images.JimgException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacket;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.NotationData;
import org.bouncycastle.bcpg.sig.RevocationKey;
import org.bouncycastle.bcpg.sig.RevocationReason;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.PGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Decides whether a signature over a checksum file counts at the time of verification. Bouncy Castle checks only
 * the mathematics. Every signature met on the way passes the same test ({@link #problem}): the one over the data,
 * the self-signature that gives the primary key its expiry and flags, a subkey's binding and its back-signature
 * must each have been made by now, not have expired by now, and carry no critical subpacket or notation that jimg
 * does not understand (RFC 9580 5.2.3.7). The key or subkey that signed must have existed, not yet expired and not
 * been revoked (by its primary key or a trusted designated revoker) when the signature was made, where a
 * revocation that merely says "superseded" spares older signatures; and it must be allowed to sign by its newest
 * self-signature or binding that passes the test.
 */
final class SignatureValidity {
  private static final PGPContentVerifierBuilderProvider VERIFIERS = new BcPGPContentVerifierBuilderProvider();

  /** Subpackets jimg acts on, or that say nothing about whether a signature counts (preferences, where to look). */
  private static final Set<Integer> UNDERSTOOD = Set.of(SignatureSubpacketTags.CREATION_TIME,
      SignatureSubpacketTags.EXPIRE_TIME, SignatureSubpacketTags.KEY_EXPIRE_TIME, SignatureSubpacketTags.KEY_FLAGS,
      SignatureSubpacketTags.ISSUER_KEY_ID, SignatureSubpacketTags.ISSUER_FINGERPRINT,
      SignatureSubpacketTags.EMBEDDED_SIGNATURE, SignatureSubpacketTags.REVOCATION_REASON,
      SignatureSubpacketTags.REVOCATION_KEY,
      SignatureSubpacketTags.EXPORTABLE, SignatureSubpacketTags.REVOCABLE, SignatureSubpacketTags.PRIMARY_USER_ID,
      SignatureSubpacketTags.PREFERRED_SYM_ALGS, SignatureSubpacketTags.PREFERRED_HASH_ALGS,
      SignatureSubpacketTags.PREFERRED_COMP_ALGS, SignatureSubpacketTags.PREFERRED_AEAD_ALGORITHMS,
      SignatureSubpacketTags.LIBREPGP_PREFERRED_ENCRYPTION_MODES, SignatureSubpacketTags.FEATURES,
      SignatureSubpacketTags.KEY_SERVER_PREFS, SignatureSubpacketTags.PREFERRED_KEY_SERV,
      SignatureSubpacketTags.POLICY_URL);

  /**
   * How far a signature may be dated after this machine's clock: a mirror that signs and publishes at once, with a
   * clock a little ahead of ours, must not fail every pull. Minutes, as Kerberos allows; a signature dated further
   * ahead would stretch its own expiry past what its signer meant.
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final Instant now;
  private final TrustedKeys keys;

  /** Judges signatures as of {@code now}, the time of verification; {@code keys} may hold designated revokers. */
  SignatureValidity(Instant now, TrustedKeys keys) {
    this.now = now;
    this.keys = keys;
  }

  /**
   * Throws unless {@code sig}, by {@code key} of {@code ring}, is a valid signature over {@code data} now;
   * {@code source} names the signature file in messages.
   */
  void check(PGPSignature sig, byte[] data, PGPPublicKeyRing ring, PGPPublicKey key, String source)
      throws JimgException {
    PGPPublicKey primary = ring.getPublicKey();
    String keyId = KeyIds.format(key.getKeyID());
    String primaryId = KeyIds.format(primary.getKeyID());
    String who = key == primary ? "key " + keyId : "subkey " + keyId + " of key " + primaryId;
    if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
      throw failure(source + ": signature by " + who + " is of type 0x"
          + Integer.toHexString(sig.getSignatureType()) + ", not a binary document signature");
    }
    int hash = sig.getHashAlgorithm();
    if (hash == HashAlgorithmTags.MD5 || hash == HashAlgorithmTags.SHA1 || hash == HashAlgorithmTags.RIPEMD160) {
      throw failure(source + ": signature by " + who + " uses a broken hash algorithm (" + hash + ")");
    }
    try {
      sig.init(VERIFIERS, key);
      sig.update(data);
      if (!sig.verify()) {
        throw failure(source + ": BAD signature by " + who + ": the checksum file was changed after signing");
      }
    } catch (PGPException e) {
      throw failure(source + ": cannot check the signature by " + who + ": " + e.getMessage());
    }
    String problem = problem(sig);
    if (problem != null) {
      throw failure(source + ": signature by " + who + " " + problem);
    }
    Instant made = sig.getCreationTime().toInstant();

    List<PGPSignature> selfSignatures = selfSignatures(primary);
    Choice selfSignature = newest(selfSignatures.iterator(), candidate -> true);
    if (selfSignature.valid() == null) {
      throw failure(source + ": key " + primaryId + " has no valid self-signature" + selfSignature.why());
    }
    checkLifetime(primary, selfSignature.valid(), made, "key " + primaryId, source);
    List<PGPPublicKey> revokers = new ArrayList<>(List.of(primary));
    revokers.addAll(designatedRevokers(selfSignatures));
    checkRevocation(revokers, primary, PGPSignature.KEY_REVOCATION, made, "key " + primaryId, source);

    if (key == primary) {
      checkMaySign(primary, selfSignature.valid(), "key " + primaryId, source);
      return;
    }
    Choice binding = newest(key.getSignaturesOfType(PGPSignature.SUBKEY_BINDING),
        candidate -> candidate.getKeyID() == primary.getKeyID() && verifies(candidate, primary, key));
    if (binding.valid() == null) {
      throw failure(source + ": " + who + " has no valid binding signature" + binding.why());
    }
    checkLifetime(key, binding.valid(), made, who, source);
    checkRevocation(List.of(primary), key, PGPSignature.SUBKEY_REVOCATION, made, who, source);
    int flags = binding.valid().getHashedSubPackets() == null ? 0 : binding.valid().getHashedSubPackets().getKeyFlags();
    if ((flags & KeyFlags.SIGN_DATA) == 0) {
      throw failure(source + ": " + who + " is not allowed to sign (its binding lacks the sign flag)");
    }
    if (!hasValidBackSignature(primary, key, binding.valid())) {
      throw failure(source + ": " + who + " has no valid back-signature (primary key binding)");
    }
  }

  /**
   * Why {@code sig} does not count now, whatever its signer: made later than now, expired, or with a critical
   * subpacket jimg does not understand; null where none of these holds.
   */
  private String problem(PGPSignature sig) {
    PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();
    Instant made = sig.getCreationTime().toInstant();
    if (made.isAfter(now.plus(CLOCK_SKEW))) {
      return "was made " + made + ", later than this machine's time (" + now + ") by more than "
          + CLOCK_SKEW.toMinutes() + " minutes: it is not valid yet";
    }
    long validSeconds = hashed == null ? 0 : hashed.getSignatureExpirationTime();
    if (validSeconds > 0) {
      Instant expires = made.plusSeconds(validSeconds);
      if (!now.isBefore(expires)) {
        return "expired " + expires + " (it was made " + made + "; the time of verification is " + now + ")";
      }
    }
    for (PGPSignatureSubpacketVector area : new PGPSignatureSubpacketVector[] {hashed, sig.getUnhashedSubPackets()}) {
      for (SignatureSubpacket subpacket : area == null ? new SignatureSubpacket[0] : area.toArray()) {
        if (subpacket.isCritical() && !UNDERSTOOD.contains(subpacket.getType())) {
          return "carries " + describeCritical(subpacket) + " that jimg does not understand, so it cannot count";
        }
      }
    }
    return null;
  }

  private static String describeCritical(SignatureSubpacket subpacket) {
    if (subpacket instanceof NotationData notation) {
      String value = notation.isHumanReadable() ? notation.getNotationValue() : "(binary)";
      return "a critical notation " + notation.getNotationName() + "=" + value;
    }
    return "a critical subpacket of type " + subpacket.getType();
  }

  /** The newest signature that verifies and counts now, or why the newest that verifies does not. */
  private record Choice(PGPSignature valid, String problem) {
    String why() {
      return problem == null ? "" : " (the newest " + problem + ")";
    }
  }

  private Choice newest(Iterator<PGPSignature> candidates, Predicate<PGPSignature> verified) {
    PGPSignature valid = null;
    PGPSignature refused = null;
    String problem = null;
    while (candidates.hasNext()) {
      PGPSignature candidate = candidates.next();
      if (!verified.test(candidate)) {
        continue;
      }
      String why = problem(candidate);
      if (why == null && (valid == null || candidate.getCreationTime().after(valid.getCreationTime()))) {
        valid = candidate;
      } else if (why != null && (refused == null || candidate.getCreationTime().after(refused.getCreationTime()))) {
        refused = candidate;
        problem = why;
      }
    }
    return new Choice(valid, valid == null ? problem : null);
  }

  /** The primary key's self-signatures that verify: user id certifications and direct-key signatures. */
  private static List<PGPSignature> selfSignatures(PGPPublicKey primary) {
    List<PGPSignature> verified = new ArrayList<>();
    for (Iterator<byte[]> ids = primary.getRawUserIDs(); ids.hasNext(); ) {
      byte[] id = ids.next();
      for (Iterator<PGPSignature> it = primary.getSignaturesForID(id); it.hasNext(); ) {
        PGPSignature sig = it.next();
        if (isCertification(sig) && sig.getKeyID() == primary.getKeyID() && verifiesUserId(sig, primary, id)) {
          verified.add(sig);
        }
      }
    }
    for (Iterator<PGPSignature> it = primary.getSignaturesOfType(PGPSignature.DIRECT_KEY); it.hasNext(); ) {
      PGPSignature sig = it.next();
      if (sig.getKeyID() == primary.getKeyID() && verifies(sig, primary, primary)) {
        verified.add(sig);
      }
    }
    return verified;
  }

  /**
   * The trusted keys that the primary key's self-signatures name as allowed to revoke it (RFC 9580 5.2.3.23), as
   * gpg honours them; one that is not among the trusted keys cannot be checked, and is passed over as gpg does.
   */
  private List<PGPPublicKey> designatedRevokers(List<PGPSignature> selfSignatures) {
    List<PGPPublicKey> revokers = new ArrayList<>();
    for (PGPSignature selfSignature : selfSignatures) {
      PGPSignatureSubpacketVector hashed = selfSignature.getHashedSubPackets();
      for (RevocationKey designation : hashed == null ? new RevocationKey[0] : hashed.getRevocationKeys()) {
        PGPPublicKey revoker = keys.key(designation.getFingerprint());
        if (revoker != null) {
          revokers.add(revoker);
        }
      }
    }
    return revokers;
  }

  private static boolean isCertification(PGPSignature sig) {
    int type = sig.getSignatureType();
    return type == PGPSignature.DEFAULT_CERTIFICATION || type == PGPSignature.NO_CERTIFICATION
        || type == PGPSignature.CASUAL_CERTIFICATION || type == PGPSignature.POSITIVE_CERTIFICATION;
  }

  private static void checkLifetime(PGPPublicKey key, PGPSignature selfSignature, Instant made, String who,
      String source) throws JimgException {
    Instant created = key.getCreationTime().toInstant();
    if (made.isBefore(created)) {
      throw failure(source + ": signature made " + made + ", before " + who + " was created (" + created
          + "): a key cannot sign before it exists");
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

  /**
   * Any revocation by one of {@code revokers} (the primary key first) that verifies counts, whatever else it
   * carries: ignoring one would trust a revoked key.
   */
  private static void checkRevocation(List<PGPPublicKey> revokers, PGPPublicKey key, int type, Instant made,
      String who, String source) throws JimgException {
    for (Iterator<PGPSignature> it = key.getSignaturesOfType(type); it.hasNext(); ) {
      PGPSignature revocation = it.next();
      PGPPublicKey revoker = revokers.stream()
          .filter(candidate -> revocation.getKeyID() == candidate.getKeyID() && verifies(revocation, candidate, key))
          .findFirst().orElse(null);
      if (revoker == null) {
        continue;
      }
      RevocationReason reason = revocation.getHashedSubPackets() == null
          ? null : revocation.getHashedSubPackets().getRevocationReason();
      Instant revoked = revocation.getCreationTime().toInstant();
      boolean superseded = reason != null && reason.getRevocationReason() == RevocationReasonTags.KEY_SUPERSEDED;
      if (superseded && made.isBefore(revoked)) {
        continue;
      }
      String by = revoker == revokers.get(0) ? "" : " by its designated revoker " + KeyIds.format(revoker.getKeyID());
      throw failure(source + ": " + who + " was revoked " + revoked + by + " (" + describe(reason) + ")");
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
    if (hashed != null && hashed.hasSubpacket(SignatureSubpacketTags.KEY_FLAGS)) {
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

  private boolean hasValidBackSignature(PGPPublicKey primary, PGPPublicKey subkey, PGPSignature binding) {
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
          if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING && problem(back) == null) {
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

  /**
   * Whether a signature by {@code signer} over {@code key} verifies: a direct-key signature or key revocation covers
   * {@code key} alone, a subkey's binding or revocation covers the primary key {@code signer} and the subkey.
   */
  private static boolean verifies(PGPSignature sig, PGPPublicKey signer, PGPPublicKey key) {
    int type = sig.getSignatureType();
    try {
      sig.init(VERIFIERS, signer);
      return type == PGPSignature.DIRECT_KEY || type == PGPSignature.KEY_REVOCATION
          ? sig.verifyCertification(key) : sig.verifyCertification(signer, key);
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
}
