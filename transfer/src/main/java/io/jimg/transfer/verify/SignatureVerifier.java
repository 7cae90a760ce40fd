package io.jimg.transfer.verify;

import io.jimg.images.JimgException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * Checks a detached OpenPGP signature over the exact bytes of a checksum file: reads it, finds the trusted key that
 * made it, and has {@link SignatureValidity} decide, as of the clock's time, whether it counts. Every signature in
 * the file must pass; an unknown signer is a failure, as it is for gpgv.
 */
public final class SignatureVerifier {
  /** systemd-pull refuses signatures larger than this. */
  public static final int MAX_SIZE = 1024 * 1024;

  private final TrustedKeys keys;
  private final Clock clock;

  /** Trusts {@code keys}; {@code clock} gives the time of verification (a signature may have expired by then). */
  public SignatureVerifier(TrustedKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** A signature that checked out: who made it, with which key, and when. */
  public record Signer(String primaryKeyId, String signingKeyId, Instant created, String primaryFingerprint) {}

  /**
   * Verifies {@code signature} (binary or armored) over {@code data}; {@code source} names the signature file.
   * Returns the signers, or throws a {@link JimgException.Reason#VERIFICATION} saying which check failed.
   */
  public List<Signer> verify(byte[] data, byte[] signature, String source) throws JimgException {
    if (signature.length > MAX_SIZE) {
      throw failure(source + " is larger than 1 MiB (" + signature.length + " bytes)");
    }
    PGPSignatureList list = readDetached(signature, source);
    SignatureValidity validity = new SignatureValidity(clock.instant(), keys);
    List<Signer> signers = new ArrayList<>();
    for (PGPSignature sig : list) {
      signers.add(verifyOne(sig, data, validity, source));
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

  private Signer verifyOne(PGPSignature sig, byte[] data, SignatureValidity validity, String source)
      throws JimgException {
    long issuer = sig.getKeyID();
    List<PGPPublicKeyRing> rings = keys.ringsHolding(issuer);
    if (rings.isEmpty()) {
      throw failure(source + ": signed by unknown key " + KeyIds.format(issuer) + "; trusted keys: "
          + String.join(", ", keys.keyIds()));
    }
    JimgException last = null;
    for (PGPPublicKeyRing ring : rings) {
      try {
        validity.check(sig, data, ring, ring.getPublicKey(issuer), source);
        return new Signer(KeyIds.format(ring.getPublicKey().getKeyID()), KeyIds.format(issuer),
            sig.getCreationTime().toInstant(), HexFormat.of().withUpperCase().formatHex(ring.getPublicKey().getFingerprint()));
      } catch (JimgException e) {
        last = e;
      }
    }
    throw last;
  }

  static JimgException failure(String message) {
    return new JimgException(JimgException.Reason.VERIFICATION, "signature check failed: " + message);
  }
}
