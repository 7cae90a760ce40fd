package io.jimg.transfer.oci.registry;

import io.jimg.transfer.http.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A token server for docker-registry's token auth, served by MockWebServer: for the user and password it knows,
 * it grants every scope asked, as an ES256 JWT signed with an openssl-made key whose certificate the registry
 * trusts (the token names it in {@code x5c}). Anyone else gets a 401. It keeps the scopes of each request.
 */
final class TokenIssuer extends Dispatcher {
  static final String SERVICE = "jimg-registry";
  static final String ISSUER = "jimg-token-issuer";

  private final PrivateKey key;
  private final String certificate;
  private final String basic;
  private final List<List<String>> requests = new ArrayList<>();

  TokenIssuer(SelfSignedCertificate signer, String user, String password) throws IOException {
    try (InputStream in = Files.newInputStream(signer.certificate)) {
      certificate = Base64.getEncoder().encodeToString(
          CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded());
      String pem = Files.readString(signer.key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
    basic = okhttp3.Credentials.basic(user, password);
  }

  /** The scopes of each token request so far, in order. */
  synchronized List<List<String>> requests() {
    return List.copyOf(requests);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    List<String> scopes = request.getUrl().queryParameterValues("scope").stream().map(String::valueOf).toList();
    synchronized (this) {
      requests.add(scopes);
    }
    if (!basic.equals(request.getHeaders().get("Authorization"))) {
      return new MockResponse.Builder().code(401)
          .body("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"unknown user\"}]}").build();
    }
    List<String> access = new ArrayList<>();
    for (String scope : scopes) {
      String[] parts = scope.split(":");
      access.add("{\"type\":\"" + parts[0] + "\",\"name\":\"" + parts[1] + "\",\"actions\":[\""
          + String.join("\",\"", parts[2].split(",")) + "\"]}");
    }
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"typ\":\"JWT\",\"alg\":\"ES256\",\"x5c\":[\"" + certificate + "\"]}";
    String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"jimg\",\"aud\":\"" + SERVICE + "\",\"exp\":" + (now + 600)
        + ",\"nbf\":" + (now - 60) + ",\"iat\":" + (now - 60) + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":["
        + String.join(",", access) + "]}";
    String signed = base64url(header) + "." + base64url(claims);
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"token\":\"" + signed + "." + sign(signed) + "\",\"expires_in\":600}").build();
  }

  private String sign(String text) {
    try {
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(key);
      signature.update(text.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
