package io.jimg.transfer.pull;

import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.verify.ChecksumFile;
import io.jimg.transfer.verify.SignatureVerifier;
import io.jimg.transfer.verify.TrustedKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What proves a pulled download, as the pull's options ask: the checksum file ({@code FILE.sha256}, else
 * SHA256SUMS) with a detached signature ({@code .gpg}, else {@code .asc}) by a key of the given or discovered
 * keyrings, the checksum file alone, a digest the caller gave, or nothing. The proof is fetched (GETs only) and
 * checked before the image is; what it proves is a {@link Proof}.
 */
final class VerificationPolicy {
  private final PullOptions options;
  private final Fetcher fetcher;
  private final Path keyringRoot;
  private final Clock clock;
  private final StoreListener listener;

  /** {@code keyringRoot} is the file system root under which keyrings are discovered ("/" outside tests). */
  VerificationPolicy(PullOptions options, Fetcher fetcher, Path keyringRoot, Clock clock, StoreListener listener) {
    this.options = options;
    this.fetcher = fetcher;
    this.keyringRoot = keyringRoot;
    this.clock = clock;
    this.listener = listener;
  }

  /** The checksum file and its detached signature as fetched (null where there is none), not yet checked. */
  private record Fetched(ChecksumFile sums, URI signatureUrl, byte[] signature) {}

  /** The proof on its way: the keyrings and the checksum file with its signature, each fetched on its own. */
  final class Pending {
    private final CompletableFuture<TrustedKeys> keys;
    private final CompletableFuture<Fetched> fetched;

    private Pending(CompletableFuture<TrustedKeys> keys, CompletableFuture<Fetched> fetched) {
      this.keys = keys;
      this.fetched = fetched;
    }

    /** Waits for the proof and checks it: the signature by a trusted key, where one is asked for. */
    Proof await() throws IOException {
      Fetched proof = BackgroundFetches.await(fetched);
      Proof checked;
      if (proof == null) {
        checked = new Proof(options.verification(), options.expectedSha256(), null, List.of());
      } else if (options.verification() == PullOptions.Verification.CHECKSUM) {
        checked = new Proof(options.verification(), options.expectedSha256(), proof.sums(), List.of());
      } else {
        SignatureVerifier verifier = new SignatureVerifier(BackgroundFetches.await(keys), clock);
        checked = new Proof(options.verification(), options.expectedSha256(), proof.sums(),
            verifier.verify(proof.sums().bytes(), proof.signature(), proof.signatureUrl().toString()));
      }
      checked.warnAboutLooseChecksums(listener);
      return checked;
    }

    /** Waits until what is on its way has ended, whatever its outcome: a cancelled pull ends after its fetches. */
    void awaitEnd() {
      CompletableFuture.allOf(keys, fetched).exceptionally(e -> null).join();
    }

    /** Gives up what is still on its way: the pull ended without it. */
    void cancel() {
      keys.cancel(false);
      fetched.cancel(false);
    }
  }

  /** Starts fetching the proof of {@code url} that the verification asks for, on {@code background}. */
  Pending fetch(URI url, BackgroundFetches background) {
    PullOptions.Verification verification = options.verification();
    boolean signed = verification == PullOptions.Verification.SIGNATURE;
    boolean checksummed = signed || verification == PullOptions.Verification.CHECKSUM;
    return new Pending(
        background.start(signed, () -> TrustedKeys.discover(options.keyrings(), keyringRoot)),
        background.start(checksummed, () -> fetchSums(url, signed)));
  }

  /** Whether files beside the image (its settings) can be vouched for: a digest the caller gave names one file. */
  boolean vouchesForSideFiles() {
    return options.verification() != PullOptions.Verification.DIGEST;
  }

  /** Says what a verification short of a signature does not prove. */
  void warnIfWeak(URI url) {
    String warning = switch (options.verification()) {
      case CHECKSUM -> "--verify=checksum proves the download is intact, not who made it";
      case NO -> "--verify=no: nothing proves the download is intact or who made it";
      case DIGEST -> "--verify with a digest proves the download is the one you named, not who made it";
      case SIGNATURE -> null;
    };
    if (warning != null) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null, warning + " (" + url + ")"));
    }
  }

  /** The checksum file ({@code FILE.sha256}, else SHA256SUMS) and, where {@code signed}, its signature. */
  private Fetched fetchSums(URI url, boolean signed) throws IOException {
    String fileName = PullUrls.fileName(url);
    URI perFile = PullUrls.sibling(url, fileName + ".sha256");
    URI sumsUrl = perFile;
    byte[] bytes = fetcher.fetchSmall(perFile, ChecksumFile.MAX_SIZE);
    ChecksumFile sums;
    if (bytes != null) {
      sums = ChecksumFile.perFile(bytes, perFile.toString(), fileName);
    } else {
      sumsUrl = url.resolve("SHA256SUMS");
      bytes = fetcher.fetchSmall(sumsUrl, ChecksumFile.MAX_SIZE);
      if (bytes == null) {
        throw verification("" + url + ": no checksum file (neither " + perFile + " nor " + sumsUrl + " exists)");
      }
      sums = ChecksumFile.sums(bytes, sumsUrl.toString());
    }
    if (signed) {
      for (String suffix : List.of(".gpg", ".asc")) {
        URI signatureUrl = URI.create(sumsUrl + suffix);
        byte[] signature = fetcher.fetchSmall(signatureUrl, SignatureVerifier.MAX_SIZE);
        if (signature != null) {
          return new Fetched(sums, signatureUrl, signature);
        }
      }
      throw verification("signature check failed: no signature for " + sumsUrl + " (neither .gpg nor .asc exists)");
    }
    return new Fetched(sums, null, null);
  }

  private static JimgException verification(String message) {
    return new JimgException(JimgException.Reason.VERIFICATION, message);
  }
}
