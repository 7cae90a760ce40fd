package io.jimg.cli;

import io.jimg.btrfs.ReadOnly;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.pull.ImageFormat;
import io.jimg.transfer.pull.ImageStorePullStore;
import io.jimg.transfer.pull.PullOptions;
import io.jimg.transfer.pull.Puller;
import io.jimg.transfer.pull.StoreUnpacker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "pull",
    description = "Download a tar or raw image over HTTP(S), verify it, and add it to the pool.",
    footer = {"", "The checksum file (FILE.sha256, else SHA256SUMS) and its detached signature (.gpg, else .asc) are "
        + "checked before the image is used. Keys: --keyring, else /etc/jimg/trusted.gpg.d/*.gpg|*.asc, else "
        + "/etc/systemd/import-pubring.gpg or /usr/lib/systemd/import-pubring.gpg.",
        "", "Example:", "  jimg pull https://example.org/images/debian.tar.xz debian"})
class PullCommand extends Verb {
  /** Where the per-URL pull locks live: outside the pool, never unlinked. */
  static final Path LOCKS = Path.of("/run/jimg/locks");
  private static final List<String> PROXY_VARIABLES =
      List.of("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY");

  @Parameters(index = "0", paramLabel = "URL", description = "http, https or file URL of the image.")
  URI url;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "The new image's name (default: the URL's file name without its suffixes).")
  String name;

  @Option(names = "--format", paramLabel = "tar|raw", description = "Override the format the URL's suffix tells.")
  String format;

  @Option(names = "--verify", paramLabel = "signature|checksum|no|SHA256", defaultValue = "signature",
      description = "What proves the download (default: ${DEFAULT-VALUE}).")
  String verify;

  @Option(names = "--keyring", paramLabel = "FILE", description = "Trust the keys in FILE (repeatable).")
  List<Path> keyrings = new ArrayList<>();

  @Option(names = "--force", description = "Replace an existing image of that name.")
  boolean force;

  @Option(names = "--read-only", description = "Make the new image read-only.")
  boolean readOnly;

  @Option(names = "--settings", paramLabel = "BOOL", defaultValue = "yes", completionCandidates = BooleanWords.class,
      description = "Fetch NAME.nspawn beside the image and install it beside the image in the pool (default: yes).")
  String settings;

  @Option(names = "--keep-download", paramLabel = "BOOL", defaultValue = "yes", completionCandidates = BooleanWords.class,
      description = "Keep a hidden read-only copy to reuse while the server says it is unchanged (default: yes).")
  String keepDownload;

  @Option(names = "--ca-file", paramLabel = "FILE", description = "Also trust the PEM certificates in FILE for HTTPS.")
  Path caFile;

  @Option(names = "--size-max", paramLabel = "SIZE", description = "Refuse a download larger than SIZE (default: 64G).")
  String sizeMax;

  @Option(names = "--cache-max", paramLabel = "SIZE", description = "Keep the pull cache under SIZE (default: 8G).")
  String cacheMax;

  /** The format the verb fixes ({@code pull-tar}, {@code pull-raw}), or null. */
  ImageFormat verbFormat() {
    return null;
  }

  @Override
  void run() throws Exception {
    PullOptions options = options();
    Map<String, String> proxies = new HashMap<>();
    for (String variable : PROXY_VARIABLES) {
      String value = jimg.environment().getenv().apply(variable);
      if (value != null) {
        proxies.put(variable, value);
      }
    }
    Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(proxies).withCaFile(caFile));
    ImageStorePullStore store = new ImageStorePullStore(jimg.store(),
        new StoreUnpacker(jimg.store(), options.sizeMax(), jimg.listener()));
    Puller.Pulled pulled = new Puller(store, fetcher, Path.of("/"), LOCKS, Clock.systemUTC(), jimg.listener())
        .pull(url, name, options);
    jimg.finish();
    if (!jimg.quiet) {
      out().println("Pulled " + pulled.name() + " (SHA-256 " + pulled.sha256()
          + (pulled.signers().isEmpty() ? "" : ", signed by key " + pulled.signers().get(0).primaryKeyId())
          + (pulled.fromCache() ? ", unchanged on the server: made from the cache" : "") + ").");
    }
  }

  private PullOptions options() {
    try {
      PullOptions options = PullOptions.defaults().withVerify(verify).withKeyrings(keyrings).withForce(force)
          .withReadOnly(ReadOnly.of(readOnly)).withSettings(Booleans.parse(settings))
          .withKeepDownload(Booleans.parse(keepDownload)).withFormat(format());
      if (sizeMax != null) {
        options = options.withSizeMax(Sizes.parse(sizeMax));
      }
      if (cacheMax != null) {
        options = options.withCacheMax(Sizes.parse(cacheMax));
      }
      return options;
    } catch (IllegalArgumentException | io.jimg.images.JimgException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private ImageFormat format() {
    if (verbFormat() != null) {
      return verbFormat();
    }
    if (format == null) {
      return null;
    }
    return switch (format) {
      case "tar" -> ImageFormat.TAR;
      case "raw" -> ImageFormat.RAW;
      default -> throw new IllegalArgumentException("--format takes tar or raw, not '" + format + "'");
    };
  }
}
