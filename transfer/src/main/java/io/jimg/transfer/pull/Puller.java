package io.jimg.transfer.pull;

import io.jimg.btrfs.DaemonThreads;
import io.jimg.btrfs.Fd;
import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.Origin;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.DerivedImageName;
import io.jimg.transfer.http.Download;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.verify.SignatureVerifier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code jimg pull}: fetches an image, proves it, and only then makes it visible. The proof is fetched and
 * checked first ({@link VerificationPolicy}); the image goes to a hidden temporary in the pool while its SHA-256
 * is computed ({@link DownloadSession}); the image is unpacked from that same open file only after the digest
 * matches what the proof vouches for ({@link Proof}). A pull leaves a hidden read-only cache entry per URL and
 * ETag, offers known ETags with If-None-Match, and on 304 snapshots the cached entry after checking the fresh
 * proof against the digest recorded with it ({@link PullCache}). Pulls of one URL are serialised across
 * processes ({@link UrlLock}). This class is the sequence that ties them.
 */
public final class Puller {
  private static final int SETTINGS_MAX = 1024 * 1024;

  private final PullStore store;
  private final Fetcher fetcher;
  private final Path keyringRoot;
  private final Path lockDirectory;
  private final Clock clock;
  private final StoreListener listener;
  private final Executor executor;

  /**
   * {@code keyringRoot} is the file system root under which keyrings are discovered ("/" outside tests);
   * {@code lockDirectory} holds the per-URL lock files (/run/jimg/locks). The checksum file, its signature,
   * the settings file and the keyrings are fetched and read on threads of their own.
   */
  public Puller(PullStore store, Fetcher fetcher, Path keyringRoot, Path lockDirectory, Clock clock,
      StoreListener listener) {
    this(store, fetcher, keyringRoot, lockDirectory, clock, listener, Puller::onDaemonThread);
  }

  /** As above, with the {@code executor} that fetches and reads the proof while the store is prepared. */
  public Puller(PullStore store, Fetcher fetcher, Path keyringRoot, Path lockDirectory, Clock clock,
      StoreListener listener, Executor executor) {
    this.store = store;
    this.fetcher = fetcher;
    this.keyringRoot = keyringRoot;
    this.lockDirectory = lockDirectory;
    this.clock = clock;
    this.listener = listener;
    this.executor = executor;
  }

  /** A few short tasks per pull: a thread each, never one a command waits for at exit. */
  private static void onDaemonThread(Runnable task) {
    DaemonThreads.named("jimg-pull").newThread(task).start();
  }

  /** What a pull made: the image, how it was proven, and whether it came from the cache. */
  public record Pulled(String name, ImageFormat format, String sha256, boolean fromCache,
      List<SignatureVerifier.Signer> signers) {}

  public Pulled pull(URI url, String requestedName, PullOptions options) throws IOException {
    return pull(url, requestedName, options, Cancellation.NEVER);
  }

  /**
   * As {@link #pull(URI, String, PullOptions)}, stopped by {@code cancellation}: the HTTP call under way is
   * cancelled at once (a stalled server included), downloads and the unpacking are checked between blocks of
   * 1 MiB and entries, a copy from the cache between entries and blocks of 64 MiB, so that a cancel is noticed
   * within one of them, as is a wait for another pull of the same URL. The pull then fails with
   * {@link JimgException.Reason#CANCELLED} once the fetches it started have ended, its partial download and the
   * per-URL lock file it made removed, and nothing published, a cache entry included. A cancel that comes once
   * the image is published is too late: the pull completes.
   */
  public Pulled pull(URI url, String requestedName, PullOptions options, Cancellation cancellation)
      throws IOException {
    cancellation.check();
    Fetcher fetcher = this.fetcher.cancelledBy(cancellation);
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
      throw usage("" + url + ": only http, https and file URLs can be pulled");
    }
    String fileName = PullUrls.fileName(url);
    if (fileName.isEmpty()) {
      throw usage("" + url + ": the URL names no file (its path is empty or ends with '/'); give the image file's URL");
    }
    ImageFormat format = options.format() != null ? options.format() : ImageFormat.ofFileName(fileName);
    if (format == null) {
      throw usage("" + url + ": cannot tell tar from raw by the name " + fileName + "; give --format=tar|raw");
    }
    // One rule for every image name, the store's: a name derived from the URL is held to it as a given one is.
    String name = requestedName != null ? requestedName : DerivedImageName.fromFileName(fileName);
    ImageStore.checkNewName(name);
    // The proof travels while the store is checked and the URL locked: the checksum file with its signature,
    // the settings file and the keyrings at once, each on a thread of its own. Only GETs go out before the checks.
    VerificationPolicy policy = new VerificationPolicy(options, fetcher, keyringRoot, clock, listener);
    BackgroundFetches background = new BackgroundFetches(executor);
    VerificationPolicy.Pending proof = policy.fetch(url, background);
    URI settingsUrl = PullUrls.sibling(url, settingsName(fileName));
    CompletableFuture<byte[]> settingsFetched = background.start(
        options.settings() && policy.vouchesForSideFiles(), () -> fetcher.fetchSmall(settingsUrl, SETTINGS_MAX));
    try {
      return pull(url, name, fileName, format, options, policy, proof, settingsUrl, settingsFetched,
          new Session(fetcher, cancellation));
    } finally {
      if (cancellation.isCancelled()) {
        // Their fetches are cancelled too: they end at once, and end before the pull reports the cancel.
        proof.awaitEnd();
        settingsFetched.exceptionally(e -> null).join();
      }
      proof.cancel();
      settingsFetched.cancel(false);
    }
  }

  private Pulled pull(URI url, String name, String fileName, ImageFormat format, PullOptions options,
      VerificationPolicy policy, VerificationPolicy.Pending pending, URI settingsUrl,
      CompletableFuture<byte[]> settingsFetched, Session session) throws IOException {
    if (!options.force() && store.exists(name)) {
      throw new JimgException(JimgException.Reason.EXISTS, "image " + name + " already exists (use --force)");
    }
    policy.warnIfWeak(url);

    try (UrlLock lock = UrlLock.acquire(lockDirectory, url.toString(), listener, session.cancellation())) {
      try {
        return pullLocked(url, name, fileName, format, options, pending, settingsUrl, settingsFetched, session);
      } catch (JimgException e) {
        if (e.reason() == JimgException.Reason.CANCELLED) {
          lock.removeIfMade();
        }
        throw e;
      }
    }
  }

  private Pulled pullLocked(URI url, String name, String fileName, ImageFormat format, PullOptions options,
      VerificationPolicy.Pending pending, URI settingsUrl, CompletableFuture<byte[]> settingsFetched,
      Session session) throws IOException {
    Proof proof = pending.await();
    // The settings file is awaited once the image is downloaded and proven, before anything is published: a
    // failed fetch of the image is reported first, by the image's URL, not after the settings' retries.
    Settings settings = new Settings(options.settings(), fileName, proof, settingsUrl, settingsFetched);
    Pulled pulled;
    try (Fd pool = Fd.openDirectory(store.pool())) {
      pulled = download(url, name, fileName, format, proof, options, new PullCache(store, pool, clock, listener),
          pool, session, settings);
    }
    if (settings.bytes() != null) {
      // Beside the image, where systemd-nspawn treats it as untrusted; never into /etc/systemd/nspawn.
      store.writeSettings(name, settings.bytes());
    }
    listener.event(new StoreEvent(StoreEvent.Kind.CREATED, name, "pulled " + url
        + (pulled.fromCache() ? " (unchanged on the server: from the cache)" : "")));
    return pulled;
  }

  /** Empties the pull cache ({@code jimg clean}): every entry with its record; returns the names removed. */
  public static List<String> clearCache(PullStore store) throws IOException {
    try (Fd pool = Fd.openDirectory(store.pool())) {
      return new PullCache(store, pool, Clock.systemUTC(), StoreListener.NONE).clear();
    }
  }

  private static String settingsName(String fileName) {
    return DerivedImageName.fromFileName(fileName) + ".nspawn";
  }

  /** The settings file beside the image, where the proof lets it be installed: awaited once, when first asked. */
  private final class Settings {
    private final boolean wanted;
    private final String fileName;
    private final Proof proof;
    private final URI url;
    private final CompletableFuture<byte[]> fetched;
    private boolean awaited;
    private byte[] bytes;

    Settings(boolean wanted, String fileName, Proof proof, URI url, CompletableFuture<byte[]> fetched) {
      this.wanted = wanted;
      this.fileName = fileName;
      this.proof = proof;
      this.url = url;
      this.fetched = fetched;
    }

    /** Waits for the fetch and checks the file against the proof; throws where either fails. */
    void await() throws IOException {
      if (awaited || !wanted) {
        awaited = true;
        return;
      }
      byte[] settings = BackgroundFetches.await(fetched);
      if (settings != null && settings.length > SETTINGS_MAX) {
        throw new JimgException(JimgException.Reason.FAILED, "" + url + ": settings file is larger than 1 MiB");
      }
      bytes = proof.settings(settingsName(fileName), settings, listener);
      awaited = true;
    }

    /** The file to install, null where there is none; after {@link #await()}. */
    byte[] bytes() {
      return bytes;
    }
  }

  /**
   * Downloads the image (or learns from the server that a cached download is current), checks it against the proof,
   * and makes the image from it: through the cache where downloads are kept, else straight from the download.
   */
  private Pulled download(URI url, String name, String fileName, ImageFormat format, Proof proof,
      PullOptions options, PullCache cache, Fd pool, Session pull, Settings settings) throws IOException {
    List<CacheRecords.Entry> known = options.keepDownload() ? cache.known(url, format) : List.of();
    try (DownloadSession session = DownloadSession.open(pool, format, url)) {
      Download download;
      try {
        download = session.fetch(pull.fetcher(), url, PullCache.etags(known), options.sizeMax(), listener);
        if (download.notModified()) {
          settings.await();
          CacheRecords.Entry reused = cache.reuse(known, download.etag(), name, fileName, proof, options,
              origin(url, format, options, proof), pull.cancellation());
          if (reused != null) {
            session.discard();
            return new Pulled(name, format, reused.sha256(), true, proof.signers());
          }
          download = session.fetchAgain(pull.fetcher(), url, options.sizeMax(), listener);
        }
      } catch (IOException e) {
        if (pull.cancellation().isCancelled()) {
          session.discard(); // a cancel leaves nothing behind, not even a download to resume
        }
        throw e;
      }
      try {
        proof.check(url, fileName, download.sha256());
        settings.await();
        Origin origin = origin(url, format, options, proof).withSha256(HexFormat.of().formatHex(download.sha256()));
        if (options.keepDownload() && download.etag() != null) {
          cache.keep(session.channel(), url, format, download, known, name, options, origin, pull.cancellation());
        } else {
          session.channel().position(0);
          store.unpack(session.channel(), url.toString(), format, name,
              new CreateOptions(options.force(), options.readOnly(), origin), pull.cancellation());
        }
      } finally {
        session.discard();
      }
      return new Pulled(name, format, HexFormat.of().formatHex(download.sha256()), false, proof.signers());
    }
  }

  /** What the image records of the pull: the URL, how it was proven and by whose keys (the digest is added). */
  private static Origin origin(URI url, ImageFormat format, PullOptions options, Proof proof) {
    return Origin.of("pull-" + format.name().toLowerCase(Locale.ROOT), url.toString()).withVerification(
        options.verification().name().toLowerCase(Locale.ROOT),
        proof.signers().stream().map(SignatureVerifier.Signer::primaryFingerprint).toList());
  }

  /** One pull's fetcher, whose calls its cancellation ends, and that cancellation. */
  private record Session(Fetcher fetcher, Cancellation cancellation) {}

  private static JimgException usage(String message) {
    return new JimgException(JimgException.Reason.USAGE, message);
  }
}
