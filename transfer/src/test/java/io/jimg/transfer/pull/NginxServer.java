package io.jimg.transfer.pull;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.http.SelfSignedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real nginx on 127.0.0.1, one per test class, with its own temporary prefix, configuration and document
 * root: plain HTTP on one free port, HTTPS with an openssl-made certificate on another. Under {@code /norange/}
 * it ignores Range requests, under {@code /slow/} it sends 256 KiB/s, under {@code /stalled/} and
 * {@code /stalled-early/} it stalls (a byte a second) after 1200 KiB and after 16 bytes, under {@code /stall/} it
 * sends the first 1100 KiB of each response at full speed and the rest at 16 KiB/s (a download to kill halfway);
 * under the HTTPS server's {@code /down/} it redirects to plain HTTP. Each server's access log records status and
 * Range of each request.
 */
public final class NginxServer implements BeforeAllCallback, AfterAllCallback {
  /** Ports are picked free and released before nginx binds them: another process may take one in between. */
  private static final int BIND_ATTEMPTS = 5;
  /** Only a hung nginx takes this long; it is no measure of how fast one starts. */
  private static final long HANG_GUARD_MINUTES = 5;

  private Path prefix;
  private Path root;
  private int port;
  private int httpsPort;
  private Process process;
  private SelfSignedCertificate certificate;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path nginx = Requirements.requireTool("nginx");
    Requirements.requireTool("openssl");
    prefix = Files.createTempDirectory("jimg-nginx-");
    root = Files.createDirectories(prefix.resolve("root"));
    Files.createDirectories(prefix.resolve("tmp"));
    certificate = new SelfSignedCertificate(prefix);
    for (int attempt = 1; !start(nginx); attempt++) {
      if (attempt == BIND_ATTEMPTS) {
        throw new IOException("nginx could not bind a free port in " + BIND_ATTEMPTS + " attempts: " + errors());
      }
    }
  }

  /**
   * Starts nginx on two free ports: true once it has bound them (it writes its pid file right after), false if
   * another process took one first; any other failure is thrown.
   */
  private boolean start(Path nginx) throws IOException, InterruptedException {
    port = freePort();
    httpsPort = freePort();
    Path conf = Files.writeString(prefix.resolve("nginx.conf"), config());
    Files.deleteIfExists(prefix.resolve("error.log"));
    try (WatchService watch = prefix.getFileSystem().newWatchService()) {
      prefix.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      process = new ProcessBuilder(nginx.toString(), "-c", conf.toString(), "-p", prefix.toString(),
          "-e", prefix.resolve("error.log").toString())
          .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
      while (!Files.exists(prefix.resolve("nginx.pid"))) {
        // nginx retries a bind itself for a while and logs each try; it gives up with "still could not bind()".
        String errors = errors();
        boolean portTaken = errors.contains("still could not bind()");
        if (portTaken || errors.lines().anyMatch(l -> l.contains("[emerg]") && !l.contains("Address already in use"))) {
          process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
          process.destroyForcibly();
          if (portTaken) {
            return false;
          }
          throw new IOException("nginx did not start: " + errors);
        }
        WatchKey key = watch.poll(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
        if (key == null) {
          throw new IOException("nginx neither started nor failed: " + errors());
        }
        key.pollEvents();
        key.reset();
      }
      return true;
    }
  }

  private String errors() throws IOException {
    Path log = prefix.resolve("error.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private String config() {
    return """
        user root;
        worker_processes 1;
        daemon off;
        pid PREFIX/nginx.pid;
        error_log PREFIX/error.log;
        events { worker_connections 64; }
        http {
          log_format jimg '$request_method $uri $status range=$http_range';
          access_log PREFIX/access.log jimg;
          client_body_temp_path PREFIX/tmp/body;
          proxy_temp_path PREFIX/tmp/proxy;
          fastcgi_temp_path PREFIX/tmp/fastcgi;
          uwsgi_temp_path PREFIX/tmp/uwsgi;
          scgi_temp_path PREFIX/tmp/scgi;
          default_type application/octet-stream;
          sendfile on;
          server {
            listen 127.0.0.1:PORT;
            root ROOT;
            location /norange/ { max_ranges 0; }
            location /slow/ { limit_rate 256k; }
            location /stalled/ { limit_rate_after 1200k; limit_rate 1; }
            location /stalled-early/ { limit_rate_after 16; limit_rate 1; }
            location /stall/ { limit_rate_after 1100k; limit_rate 16k; }
          }
          server {
            listen 127.0.0.1:HTTPS ssl;
            ssl_certificate CERT;
            ssl_certificate_key KEY;
            access_log PREFIX/https-access.log jimg;
            root ROOT;
            location /down/ { return 302 http://127.0.0.1:PORT$request_uri; }
          }
        }
        """.replace("PREFIX", prefix.toString()).replace("ROOT", root.toString())
        .replace("HTTPS", Integer.toString(httpsPort)).replace("PORT", Integer.toString(port))
        .replace("CERT", certificate.certificate.toString()).replace("KEY", certificate.key.toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    }
    if (prefix != null) {
      try (Stream<Path> paths = Files.walk(prefix)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  public Path root() {
    return root;
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public URI httpsUrl(String path) {
    return URI.create("https://127.0.0.1:" + httpsPort + path);
  }

  public Path caFile() {
    return certificate.certificate;
  }

  /** Lines of the plain HTTP server's access log: {@code GET /path STATUS range=RANGE}. */
  public List<String> accessLog() throws IOException {
    return log("access.log");
  }

  /** Lines of the HTTPS server's access log, in the same form. */
  public List<String> httpsAccessLog() throws IOException {
    return log("https-access.log");
  }

  private List<String> log(String name) throws IOException {
    Path log = prefix.resolve(name);
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }
}
