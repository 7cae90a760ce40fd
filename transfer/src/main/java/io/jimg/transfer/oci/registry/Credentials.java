package io.jimg.transfer.oci.registry;

import java.util.Objects;

/** A user name and password for one registry (and the token server it names). */
public record Credentials(String user, String password) {
  public Credentials {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  String basic() {
    return okhttp3.Credentials.basic(user, password, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Credentials[" + user + "]"; // never the password, wherever a record is printed
  }
}
