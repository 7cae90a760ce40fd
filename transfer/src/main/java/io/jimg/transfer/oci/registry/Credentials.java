package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A user name and, where known, a password for a registry (and the token server it names). The password never
 * appears in {@link #toString()}, so that no log or message carries it; an absent one ({@code --creds=USER}) is
 * for the caller to ask for before the credentials reach a client.
 */
public final class Credentials {
  private final String user;
  private final String password;

  /** {@code password} may be null: not known yet. */
  public Credentials(String user, String password) {
    this.user = Objects.requireNonNull(user, "user");
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

  public String user() {
    return user;
  }

  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** The same user with the password the caller asked for. */
  public Credentials withPassword(String value) {
    return new Credentials(user, Objects.requireNonNull(value, "password"));
  }

  /** The value of a Basic {@code Authorization} header; only with a password. */
  public String basicAuthorization() {
    if (password == null) {
      throw new IllegalStateException("no password for " + user);
    }
    return okhttp3.Credentials.basic(user, password, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Credentials[" + user + (password == null ? ", no password" : ", password hidden") + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Credentials that && user.equals(that.user) && Objects.equals(password, that.password);
  }

  @Override
  public int hashCode() {
    return user.hashCode();
  }
}
