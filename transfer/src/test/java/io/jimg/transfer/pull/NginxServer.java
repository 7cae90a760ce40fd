package io.jimg.transfer.pull;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.http.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real nginx on 127.0.0.1, one per test class, with its own temporary prefix, configuration and document
 * root: plain HTTP on one free port, HTTPS with an openssl-made certificate on another. Under {@code /norange/}
 * it ignores Range requests, under {@code /slow/} it sends 256 KiB/s; under the HTTPS server's {@code /down/} it
 * redirects to plain HTTP. Each server's access log records status and Range of each request.
 */
public final class NginxServer implements BeforeAllCallback, AfterAllCallback {
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
    port = freePort();
    httpsPort = freePort();
    String config = """
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
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, config);
    process = new ProcessBuilder(nginx.toString(), "-c", conf.toString(), "-p", prefix.toString(),
        "-e", prefix.resolve("error.log").toString())
        .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
    awaitListening(port);
    awaitListening(httpsPort);
  }

  private void awaitListening(int p) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", p), 200);
        return;
      } catch (IOException e) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          throw new IOException("nginx did not start: " + Files.readString(prefix.resolve("error.log")), e);
        }
        Thread.sleep(20);
      }
    }
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
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
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
