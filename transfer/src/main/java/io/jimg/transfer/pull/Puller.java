package io.jimg.transfer.pull;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.ReadOnly;
import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import io.jimg.transfer.DaemonThreads;
import io.jimg.transfer.DerivedImageName;
import io.jimg.transfer.http.Download;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.verify.ChecksumFile;
import io.jimg.transfer.verify.SignatureVerifier;
import io.jimg.transfer.verify.TrustedKeys;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * {@code jimg pull}: fetches an image, proves it, and only then makes it visible. The checksum file and its
 * signature are fetched and checked first; the image goes to a hidden temporary in the pool while its SHA-256
 * is computed; the image is unpacked from that same open file only after the digest matches the verified
 * checksum file. A pull leaves a hidden read-only cache entry per URL and ETag (named as systemd-pull names
 * them), offers known ETags with If-None-Match, and on 304 snapshots the cached entry after checking the fresh
 * checksum file against the digest recorded with it. Pulls of one URL are serialised across processes.
 */
public final class Puller {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final int SETTINGS_MAX = 1024 * 1024;

  private final PullStore store;
  private final Fetcher fetcher;
  private final Path keyringRoot;
  private final Path lockDirectory;
  private final Clock clock;
  private final StoreListener listener;
  private final Executor executor;
  private final Cancellation cancellation;

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
    this.cancellation = Cancellation.NEVER;
  }

  /** {@code puller} for one pull that {@code cancellation} stops. */
  private Puller(Puller puller, Cancellation cancellation) {
    this.store = puller.store;
    this.fetcher = puller.fetcher.cancelledBy(cancellation);
    this.keyringRoot = puller.keyringRoot;
    this.lockDirectory = puller.lockDirectory;
    this.clock = puller.clock;
    this.listener = puller.listener;
    this.executor = puller.executor;
    this.cancellation = cancellation;
  }

  /** A few short tasks per pull: a thread each, never one a command waits for at exit. */
  private static void onDaemonThread(Runnable task) {
    DaemonThreads.named("jimg-pull").newThread(task).start();
  }

  /** What a pull made: the image, how it was proven, and whether it came from the cache. */
  public record Pulled(String name, ImageFormat format, String sha256, boolean fromCache,
      List<SignatureVerifier.Signer> signers) {}

  /** The checksum file and signature that vouch for a download, checked before the image is fetched. */
  private record Evidence(ChecksumFile sums, List<SignatureVerifier.Signer> signers) {}

  /** The checksum file and its detached signature as fetched (null where there is none), not yet checked. */
  private record Fetched(ChecksumFile sums, URI signatureUrl, byte[] signature) {}

  private interface Task<T> {
    T run() throws IOException;
  }

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
    return new Puller(this, Objects.requireNonNull(cancellation, "cancellation")).pullOnce(url, requestedName, options);
  }

  private Pulled pullOnce(URI url, String requestedName, PullOptions options) throws IOException {
    cancellation.check();
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
      throw usage("" + url + ": only http, https and file URLs can be pulled");
    }
    String fileName = lastComponent(url);
    ImageFormat format = options.format() != null ? options.format() : ImageFormat.ofFileName(fileName);
    if (format == null) {
      throw usage("" + url + ": cannot tell tar from raw by the name " + fileName + "; give --format=tar|raw");
    }
    String name = requestedName != null ? requestedName : DerivedImageName.fromFileName(fileName);
    if (!NAME.matcher(name).matches()) {
      throw usage("'" + name + "' is not a valid image name (letters, digits, '_', '-', '.', at most 64)");
    }
    // The proof travels while the store is checked and the URL locked: the checksum file with its signature,
    // the settings file and the keyrings at once, each on a thread of its own. Only GETs go out before the checks.
    PullOptions.Verification verification = options.verification();
    boolean checksummed = verification == PullOptions.Verification.CHECKSUM
        || verification == PullOptions.Verification.SIGNATURE;
    boolean signed = verification == PullOptions.Verification.SIGNATURE;
    CompletableFuture<TrustedKeys> keys = start(signed, () -> TrustedKeys.discover(options.keyrings(), keyringRoot));
    CompletableFuture<Fetched> fetched = start(checksummed, () -> fetchSums(url, signed));
    URI settingsUrl = url.resolve(escapeComponent(settingsName(fileName)));
    CompletableFuture<byte[]> settingsFetched = start(
        options.settings() && verification != PullOptions.Verification.DIGEST,
        () -> fetcher.fetchSmall(settingsUrl, SETTINGS_MAX));
    try {
      return pull(url, name, fileName, format, options, keys, fetched, settingsUrl, settingsFetched);
    } finally {
      if (cancellation.isCancelled()) {
        // Their fetches are cancelled too: they end at once, and end before the pull reports the cancel.
        CompletableFuture.allOf(keys, fetched, settingsFetched).exceptionally(e -> null).join();
      }
      keys.cancel(false);
      fetched.cancel(false);
      settingsFetched.cancel(false);
    }
  }

  private Pulled pull(URI url, String name, String fileName, ImageFormat format, PullOptions options,
      CompletableFuture<TrustedKeys> keys, CompletableFuture<Fetched> fetched, URI settingsUrl,
      CompletableFuture<byte[]> settingsFetched) throws IOException {
    if (!options.force() && store.exists(name)) {
      throw new JimgException(JimgException.Reason.EXISTS, "image " + name + " already exists (use --force)");
    }
    warnAboutWeakVerification(url, options);

    try (UrlLock lock = UrlLock.acquire(lockDirectory, url.toString(), listener, cancellation)) {
      try {
        return pullLocked(url, name, fileName, format, options, keys, fetched, settingsUrl, settingsFetched);
      } catch (JimgException e) {
        if (e.reason() == JimgException.Reason.CANCELLED) {
          lock.removeIfMade();
        }
        throw e;
      }
    }
  }

  private Pulled pullLocked(URI url, String name, String fileName, ImageFormat format, PullOptions options,
      CompletableFuture<TrustedKeys> keys, CompletableFuture<Fetched> fetched, URI settingsUrl,
      CompletableFuture<byte[]> settingsFetched) throws IOException {
    Evidence evidence = evidence(options, await(fetched), keys);
    warnAboutLooseChecksums(evidence);
    byte[] settings = options.settings()
        ? settings(fileName, evidence, options, settingsUrl, settingsFetched) : null;
    Pulled pulled;
    try (Fd pool = Fd.openDirectory(store.pool())) {
      PullCache cache = new PullCache(pool, clock);
      List<PullCache.Entry> known = options.keepDownload() ? cache.forUrl(url.toString(), format) : List.of();
      pulled = download(url, name, fileName, format, known, evidence, options, cache, pool);
    }
    if (settings != null) {
      // Beside the image, where systemd-nspawn treats it as untrusted; never into /etc/systemd/nspawn.
      store.writeSettings(name, settings);
    }
    listener.event(new StoreEvent(StoreEvent.Kind.CREATED, name, "pulled " + url
        + (pulled.fromCache() ? " (unchanged on the server: from the cache)" : "")));
    return pulled;
  }

  /** Empties the pull cache ({@code jimg clean}): every entry with its record; returns the names removed. */
  public static List<String> clearCache(PullStore store) throws IOException {
    try (Fd pool = Fd.openDirectory(store.pool())) {
      PullCache cache = new PullCache(pool, Clock.systemUTC());
      List<String> removed = new ArrayList<>();
      for (PullCache.Entry entry : cache.entries()) {
        cache.remove(entry, store);
        removed.add(entry.name());
      }
      return removed;
    }
  }

  private void warnAboutWeakVerification(URI url, PullOptions options) {
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

  private void warnAboutLooseChecksums(Evidence evidence) {
    for (String warning : evidence.sums() == null ? List.<String>of() : evidence.sums().warnings()) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null, warning));
    }
  }

  /** Runs {@code task} on the executor where {@code wanted}; a future of null otherwise. */
  private <T> CompletableFuture<T> start(boolean wanted, Task<T> task) {
    CompletableFuture<T> future = new CompletableFuture<>();
    if (!wanted) {
      future.complete(null);
      return future;
    }
    executor.execute(() -> {
      try {
        future.complete(task.run());
      } catch (Throwable e) {
        future.completeExceptionally(e);
      }
    });
    return future;
  }

  private static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }

  /** The checksum file ({@code FILE.sha256}, else SHA256SUMS) and, where {@code signed}, its signature. */
  private Fetched fetchSums(URI url, boolean signed) throws IOException {
    URI perFile = url.resolve(escapeComponent(lastComponent(url) + ".sha256"));
    URI sumsUrl = perFile;
    byte[] bytes = fetcher.fetchSmall(perFile, ChecksumFile.MAX_SIZE);
    ChecksumFile sums;
    if (bytes != null) {
      sums = ChecksumFile.perFile(bytes, perFile.toString(), lastComponent(url));
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

  private Evidence evidence(PullOptions options, Fetched fetched, CompletableFuture<TrustedKeys> keys)
      throws IOException {
    if (fetched == null) {
      return new Evidence(null, List.of());
    }
    if (options.verification() == PullOptions.Verification.CHECKSUM) {
      return new Evidence(fetched.sums(), List.of());
    }
    SignatureVerifier verifier = new SignatureVerifier(await(keys), clock);
    return new Evidence(fetched.sums(), verifier.verify(fetched.sums().bytes(), fetched.signature(),
        fetched.signatureUrl().toString()));
  }

  private static String settingsName(String fileName) {
    return DerivedImageName.fromFileName(fileName) + ".nspawn";
  }

  /** The settings file beside the image, checked against the checksum file; null where there is none. */
  private byte[] settings(String fileName, Evidence evidence, PullOptions options, URI settingsUrl,
      CompletableFuture<byte[]> fetched) throws IOException {
    String settingsName = settingsName(fileName);
    if (options.verification() == PullOptions.Verification.DIGEST) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
          "not fetching " + settingsName + ": a digest on the command line cannot vouch for it"));
      return null;
    }
    byte[] settings = await(fetched);
    if (settings == null) {
      return null;
    }
    if (settings.length > SETTINGS_MAX) {
      throw failure("" + settingsUrl + ": settings file is larger than 1 MiB");
    }
    if (evidence.sums() == null) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
          "installing " + settingsName + " unverified (--verify=no)"));
    } else {
      if (evidence.sums().source().endsWith(".sha256")) {
        listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
            "not installing " + settingsName + ": the per-file checksum does not cover it"));
        return null;
      }
      evidence.sums().check(settingsName, sha256(settings));
    }
    return settings;
  }

  private Download fetch(URI url, PartialDownload partial, String resumeEtag, List<String> etags, PullOptions options)
      throws IOException {
    // The ETag is recorded before the first byte lands, so that a later pull resumes only the very same file.
    return fetcher.download(url, partial.channel(), resumeEtag, etags, options.sizeMax(), partial.observer(url),
        listener);
  }

  /** The new image as a copy of a cache entry the server says is current, if the fresh proof still vouches for it. */
  private Pulled fromCache(String name, String fileName, ImageFormat format, PullCache.Entry entry, Evidence evidence,
      PullOptions options, PullCache cache) throws IOException {
    if (entry == null || !store.exists(entry.name())) {
      return null;
    }
    if (!stillVouchedFor(entry, fileName, evidence, options)) {
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, entry.name(),
          "the cached download no longer matches the checksum file; downloading again"));
      cache.remove(entry, store);
      return null;
    }
    store.copy(entry.name(), name, options.readOnly(), options.force(), cancellation);
    cache.touch(entry);
    return new Pulled(name, format, entry.sha256(), true, evidence.signers());
  }

  private static PullCache.Entry matching(List<PullCache.Entry> known, String etag) {
    PullCache.Entry best = null;
    for (PullCache.Entry entry : known) {
      if ((etag == null || entry.etag().equals(etag))
          && (best == null || entry.lastUsed().isAfter(best.lastUsed()))) {
        best = entry;
      }
    }
    return best;
  }

  private static boolean stillVouchedFor(PullCache.Entry entry, String fileName, Evidence evidence,
      PullOptions options) {
    return switch (options.verification()) {
      case NO -> true;
      case DIGEST -> entry.sha256().equals(options.expectedSha256());
      case CHECKSUM, SIGNATURE -> evidence.sums().digestsFor(fileName).equals(Set.of(entry.sha256()));
    };
  }

  private Pulled download(URI url, String name, String fileName, ImageFormat format, List<PullCache.Entry> known,
      Evidence evidence, PullOptions options, PullCache cache, Fd pool) throws IOException {
    try (PartialDownload partial = PartialDownload.open(pool, format, url)) {
      FileChannel file = partial.channel();
      List<String> etags = new ArrayList<>();
      for (PullCache.Entry entry : known) {
        etags.add(entry.etag());
      }
      Download download;
      try {
        download = fetch(url, partial, partial.etag(), etags, options);
        if (download.notModified()) {
          Pulled cached = fromCache(name, fileName, format, matching(known, download.etag()), evidence, options, cache);
          if (cached != null) {
            partial.discard();
            return cached;
          }
          download = fetch(url, partial, null, List.of(), options);
        }
      } catch (IOException e) {
        if (file.size() == 0 || cancellation.isCancelled()) {
          partial.discard(); // nothing to resume from, or a cancel: leave nothing behind
        }
        throw e;
      }
      String digest = HexFormat.of().formatHex(download.sha256());
      try {
        checkDigest(url, fileName, download.sha256(), evidence, options);
      } catch (JimgException e) {
        partial.discard();
        throw e;
      }
      try {
        if (options.keepDownload() && download.etag() != null) {
          String entry = CacheNames.entry(format, url.toString(), download.etag());
          for (PullCache.Entry stale : known) {
            if (stale.name().equals(entry)) {
              cache.remove(stale, store);
            }
          }
          file.position(0);
          store.unpack(file, format, entry, new CreateOptions(true, ReadOnly.YES), cancellation);
          long size = store.size(entry); // unknown without quota: then the download's size stands in
          PullCache.Entry cached = new PullCache.Entry(entry, url.toString(), download.etag(), digest, format,
              size >= 0 ? size : download.size(), clock.instant());
          cache.record(cached);
          copyFromNewEntry(cached, name, options, cache);
          for (String evicted : cache.evict(options.cacheMax(), entry, store)) {
            listener.event(new StoreEvent(StoreEvent.Kind.REMOVED, evicted, "evicted from the pull cache"));
          }
        } else {
          file.position(0);
          store.unpack(file, format, name, new CreateOptions(options.force(), options.readOnly()), cancellation);
        }
      } finally {
        partial.discard();
      }
      return new Pulled(name, format, digest, false, evidence.signers());
    }
  }

  /** The image as a copy of the entry this pull just made; a cancelled copy takes the entry with it. */
  private void copyFromNewEntry(PullCache.Entry entry, String name, PullOptions options, PullCache cache)
      throws IOException {
    try {
      store.copy(entry.name(), name, options.readOnly(), options.force(), cancellation);
    } catch (JimgException e) {
      if (e.reason() == JimgException.Reason.CANCELLED) {
        cache.remove(entry, store);
      }
      throw e;
    }
  }

  private static void checkDigest(URI url, String fileName, byte[] actual, Evidence evidence, PullOptions options)
      throws JimgException {
    switch (options.verification()) {
      case NO -> { }
      case DIGEST -> {
        String hex = HexFormat.of().formatHex(actual);
        if (!hex.equals(options.expectedSha256())) {
          throw verification("checksum mismatch for " + url + ": expected " + options.expectedSha256()
              + ", the download is " + hex);
        }
      }
      case CHECKSUM, SIGNATURE -> evidence.sums().check(fileName, actual);
    }
  }

  private static String lastComponent(URI url) {
    String path = url.getRawPath();
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return "";
    }
    String raw = path.substring(path.lastIndexOf('/') + 1);
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String escapeComponent(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static JimgException usage(String message) {
    return new JimgException(JimgException.Reason.USAGE, message);
  }

  private static JimgException verification(String message) {
    return new JimgException(JimgException.Reason.VERIFICATION, message);
  }

  private static JimgException failure(String message) {
    return new JimgException(JimgException.Reason.FAILED, message);
  }
}
