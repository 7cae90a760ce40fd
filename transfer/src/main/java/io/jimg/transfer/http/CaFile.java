package io.jimg.transfer.http;

import io.jimg.images.JimgException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The JDK's trusted authorities plus the PEM certificates of one extra file ({@code --ca-file}). */
final class CaFile {
  final SSLContext context;
  final X509TrustManager trustManager;

  private CaFile(SSLContext context, X509TrustManager trustManager) {
    this.context = context;
    this.trustManager = trustManager;
  }

  static CaFile load(Path file) throws JimgException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (X509Certificate authority : defaultTrustManager(null).getAcceptedIssuers()) {
        store.setCertificateEntry("system-" + index++, authority);
      }
      Collection<? extends Certificate> extra;
      try (InputStream in = Files.newInputStream(file)) { // the file the user named with --ca-file
        extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (extra.isEmpty()) {
        throw new JimgException(JimgException.Reason.USAGE, "" + file + " holds no PEM certificate");
      }
      for (Certificate certificate : extra) {
        store.setCertificateEntry("extra-" + index++, certificate);
      }
      X509TrustManager trustManager = defaultTrustManager(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return new CaFile(context, trustManager);
    } catch (IOException e) {
      if (e instanceof JimgException j) {
        throw j;
      }
      throw new JimgException(JimgException.Reason.USAGE, "cannot read CA file " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new JimgException(JimgException.Reason.USAGE, "CA file " + file + ": " + e.getMessage(), e);
    }
  }

  private static X509TrustManager defaultTrustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }
}
