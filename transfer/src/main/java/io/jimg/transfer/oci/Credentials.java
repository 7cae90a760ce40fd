package io.jimg.transfer.oci;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A user name and, where known, a password for a registry. The password never appears in {@link #toString()},
 * so that no log or message carries it; an absent one is for the caller to ask for ({@code --creds=USER}).
 */
public final class Credentials {
  private final String username;
  private final String password;

  public Credentials(String username, String password) {
    this.username = username;
    this.password = password;
  }

  /** {@code --creds=USER[:PASSWORD]}: the password is everything after the first ':'. */
  public static Credentials parse(String creds) throws JimgException {
    if (creds == null || creds.isEmpty() || creds.startsWith(":")) {
      throw new JimgException(Reason.USAGE, "--creds needs a user name: --creds=USER[:PASSWORD]");
    }
    int colon = creds.indexOf(':');
    return colon < 0 ? new Credentials(creds, null)
        : new Credentials(creds.substring(0, colon), creds.substring(colon + 1));
  }

  public String username() {
    return username;
  }

  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** The value of a Basic {@code Authorization} header; only with a password. */
  public String basicAuthorization() {
    if (password == null) {
      throw new IllegalStateException("no password for " + username);
    }
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[" + username + (password == null ? ", no password" : ", password hidden") + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Credentials that && username.equals(that.username)
        && java.util.Objects.equals(password, that.password);
  }

  @Override
  public int hashCode() {
    return username.hashCode();
  }
}
