package io.jimg.transfer.pull;

import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.verify.ChecksumFile;
import io.jimg.transfer.verify.SignatureVerifier;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a checked proof vouches for, under the verification the pull asked for: the digest the download must have,
 * whether a cache entry is still the file it names, and whether a settings file may be installed. A per-file
 * checksum ({@code FILE.sha256}) speaks only for the file it names.
 */
final class Proof {
  private final PullOptions.Verification verification;
  private final String expectedSha256;
  private final ChecksumFile sums;
  private final List<SignatureVerifier.Signer> signers;

  /** {@code sums} is null where the verification fetches none (a digest given by the caller, or none at all). */
  Proof(PullOptions.Verification verification, String expectedSha256, ChecksumFile sums,
      List<SignatureVerifier.Signer> signers) {
    this.verification = verification;
    this.expectedSha256 = expectedSha256;
    this.sums = sums;
    this.signers = List.copyOf(signers);
  }

  /** Who signed the checksum file; empty where nobody had to. */
  List<SignatureVerifier.Signer> signers() {
    return signers;
  }

  /** Throws VERIFICATION unless the download of {@code fileName} from {@code url} has the digest vouched for. */
  void check(URI url, String fileName, byte[] actual) throws JimgException {
    switch (verification) {
      case NO -> { }
      case DIGEST -> {
        String hex = HexFormat.of().formatHex(actual);
        if (!hex.equals(expectedSha256)) {
          throw new JimgException(JimgException.Reason.VERIFICATION, "checksum mismatch for " + url + ": expected "
              + expectedSha256 + ", the download is " + hex);
        }
      }
      case CHECKSUM, SIGNATURE -> sums.check(fileName, actual);
    }
  }

  /** Whether a download of {@code fileName} whose SHA-256 was {@code sha256} is still the one vouched for. */
  boolean vouchesFor(String fileName, String sha256) {
    return switch (verification) {
      case NO -> true;
      case DIGEST -> sha256.equals(expectedSha256);
      case CHECKSUM, SIGNATURE -> sums.digestsFor(fileName).equals(Set.of(sha256));
    };
  }

  /** Says what the checksum file's loose lines mean (a bare digest that names no file, say). */
  void warnAboutLooseChecksums(StoreListener listener) {
    for (String warning : sums == null ? List.<String>of() : sums.warnings()) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null, warning));
    }
  }

  /**
   * The settings file {@code settingsName} as fetched ({@code settings}, null where there is none), if it may be
   * installed: unverified only where nothing is verified, else only where the checksum file names it. Null where it
   * is not to be installed, with a warning that says why.
   */
  byte[] settings(String settingsName, byte[] settings, StoreListener listener) throws JimgException {
    if (verification == PullOptions.Verification.DIGEST) {
      warn(listener, "not fetching " + settingsName + ": a digest on the command line cannot vouch for it");
      return null;
    }
    if (settings == null) {
      return null;
    }
    if (sums == null) {
      warn(listener, "installing " + settingsName + " unverified (--verify=no)");
    } else {
      if (sums.source().endsWith(".sha256")) {
        warn(listener, "not installing " + settingsName + ": the per-file checksum does not cover it");
        return null;
      }
      sums.check(settingsName, sha256(settings));
    }
    return settings;
  }

  private static void warn(StoreListener listener, String message) {
    listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null, message));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
