package io.jimg.transfer.http;

import io.jimg.btrfs.testing.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A certificate for 127.0.0.1 and localhost made by openssl, as PEM files and as a server-side SSLContext. */
public final class SelfSignedCertificate {
  public final Path certificate;
  public final Path key;
  private final Path pkcs12;

  public SelfSignedCertificate(Path directory) throws IOException {
    Requirements.requireTool("openssl");
    certificate = directory.resolve("cert.pem");
    key = directory.resolve("key.pem");
    pkcs12 = directory.resolve("server.p12");
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", key.toString(), "-out", certificate.toString()));
    run(List.of("openssl", "pkcs12", "-export", "-in", certificate.toString(), "-inkey", key.toString(),
        "-out", pkcs12.toString(), "-passout", "pass:test"));
  }

  public SSLContext serverContext() throws IOException {
    try (InputStream in = Files.newInputStream(pkcs12)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, "test".toCharArray());
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, "test".toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    try {
      if (process.waitFor() != 0) {
        throw new IOException(command + " failed: " + new String(output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
