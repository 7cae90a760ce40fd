package io.jimg.transfer.testing;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.http.Exchange;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.http.SelfSignedCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.Request;

/**
 * Debian's {@code docker-registry} (the distribution registry) on a free loopback port, with its own temporary
 * storage; optionally TLS with an openssl-made certificate (its own CA, for {@code --ca-file}) and htpasswd Basic
 * auth for one user. Started and stopped by the test; its access log is kept, so that a test can count the
 * requests that reached it.
 */
public final class RegistryServer implements AutoCloseable {
  /** Ports are picked free and released before the registry binds them: another process may take one between. */
  private static final int BIND_ATTEMPTS = 5;
  /** Only a hung registry takes this long; it is no measure of how fast one starts. */
  private static final long HANG_GUARD_MINUTES = 2;
  /** The access log's line: {@code 127.0.0.1 - user [date] "GET /v2/ HTTP/1.1" 200 2 "" "jimg"}. */
  private static final Pattern ACCESS = Pattern.compile(".*\\] \"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) .*");

  public static final String USER = "jimg";
  public static final String PASSWORD = "secret-password";

  /** A token server's settings, as the registry checks its tokens: realm, service, issuer, signing certificate. */
  public record TokenAuth(String realm, String service, String issuer, Path certificate) {}

  private final Path directory;
  private final boolean tls;
  private final boolean auth;
  private final TokenAuth tokens;
  private final SelfSignedCertificate certificate;
  private final List<String> requests = new ArrayList<>();
  private final List<String> output = new ArrayList<>();
  private final Map<String, CountDownLatch> markers = new java.util.concurrent.ConcurrentHashMap<>();
  private Process process;
  private int port;
  private int markerCount;

  private RegistryServer(boolean tls, boolean auth, TokenAuth tokens) throws IOException {
    Requirements.requireTool("docker-registry");
    this.directory = Files.createTempDirectory("jimg-registry-");
    this.tls = tls;
    this.auth = auth;
    this.tokens = tokens;
    this.certificate = tls ? new SelfSignedCertificate(directory) : null;
  }

  /** A plain-http registry without auth. */
  public static RegistryServer start() throws IOException, InterruptedException {
    return start(false, false);
  }

  /** A registry with TLS (trust {@link #caFile()}) and/or Basic auth for {@link #USER}/{@link #PASSWORD}. */
  public static RegistryServer start(boolean tls, boolean auth) throws IOException, InterruptedException {
    return new RegistryServer(tls, auth, null).started();
  }

  /** A plain-http registry that takes the bearer tokens of the token server {@code tokens} describes. */
  public static RegistryServer startWithTokens(TokenAuth tokens) throws IOException, InterruptedException {
    return new RegistryServer(false, false, tokens).started();
  }

  private RegistryServer started() throws IOException, InterruptedException {
    try {
      if (auth) {
        Files.writeString(directory.resolve("htpasswd"), Commands.run("htpasswd", "-Bbn", USER, PASSWORD));
      }
      for (int attempt = 1; !launch(); attempt++) {
        if (attempt == BIND_ATTEMPTS) {
          throw new IOException("docker-registry could not bind a free port in " + BIND_ATTEMPTS + " attempts: "
              + output());
        }
      }
      return this;
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** True once the registry listens, false if the port was taken first; any other failure is thrown. */
  private boolean launch() throws IOException, InterruptedException {
    port = freePort();
    Path config = Files.writeString(directory.resolve("config.yml"), config());
    process = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true).start();
    CompletableFuture<Boolean> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> read(listening), "registry-log");
    reader.setDaemon(true);
    reader.start();
    Boolean started;
    try {
      started = listening.get(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("docker-registry neither started nor failed: " + output(), e);
    }
    if (!started) {
      process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
      if (!output().contains("address already in use")) {
        throw new IOException("docker-registry did not start: " + output());
      }
    }
    return started;
  }

  /** Reads the registry's output to its end: the access log, and the line that says it listens. */
  private void read(CompletableFuture<Boolean> listening) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (output) {
          output.add(line);
        }
        if (line.contains("msg=\"listening on")) {
          listening.complete(true);
        }
        Matcher access = ACCESS.matcher(line);
        if (access.matches()) {
          String request = access.group(1) + " " + access.group(2) + " " + access.group(3);
          synchronized (requests) {
            requests.add(request);
          }
          CountDownLatch marker = markers.get(access.group(2));
          if (marker != null) {
            marker.countDown();
          }
        }
      }
    } catch (IOException e) {
      synchronized (output) {
        output.add("(reading the output failed: " + e + ")");
      }
    } finally {
      listening.complete(false);
    }
  }

  private String config() {
    StringBuilder yaml = new StringBuilder("""
        version: 0.1
        log: {level: info}
        storage: {filesystem: {rootdirectory: DIR/storage}, delete: {enabled: true}}
        """.replace("DIR", directory.toString()));
    yaml.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
    if (tls) {
      yaml.append("  tls: {certificate: ").append(certificate.certificate).append(", key: ")
          .append(certificate.key).append("}\n");
    }
    if (auth) {
      yaml.append("auth: {htpasswd: {realm: jimg-test, path: ").append(directory.resolve("htpasswd")).append("}}\n");
    }
    if (tokens != null) {
      yaml.append("auth: {token: {realm: \"").append(tokens.realm()).append("\", service: ").append(tokens.service())
          .append(", issuer: ").append(tokens.issuer()).append(", rootcertbundle: ").append(tokens.certificate())
          .append("}}\n");
    }
    return yaml.toString();
  }

  /** {@code 127.0.0.1:PORT}, as a registry client and skopeo name it. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** Whether it takes only {@link #USER} and {@link #PASSWORD} (Basic auth). */
  public boolean requiresCredentials() {
    return auth;
  }

  /** The registry's certificate, its own CA; null without TLS. */
  public Path caFile() {
    return tls ? certificate.certificate : null;
  }

  /**
   * Every request the registry has answered so far, as {@code METHOD URI STATUS}, in order. The registry logs a
   * request as it answers it: this sends a request of its own and waits for its line, so that every request
   * answered before the call is in the list.
   */
  public List<String> requests() throws IOException, InterruptedException {
    String marker = "/v2/?jimg-marker=" + ++markerCount;
    CountDownLatch seen = new CountDownLatch(1);
    markers.put(marker, seen);
    HttpOptions options = HttpOptions.defaults().withEnvironment(Map.of());
    Fetcher fetcher = new Fetcher(tls ? options.withCaFile(certificate.certificate) : options);
    String url = (tls ? "https://" : "http://") + host() + marker;
    try (Exchange exchange = fetcher.execute(new Request.Builder().url(url).build())) {
      exchange.response().body().bytes();
    }
    if (!seen.await(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
      throw new IOException("the registry did not log " + marker);
    }
    synchronized (requests) {
      return requests.stream().filter(r -> !r.contains("jimg-marker=")).toList();
    }
  }

  public String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
