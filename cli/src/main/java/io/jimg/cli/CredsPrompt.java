package io.jimg.cli;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.transfer.oci.registry.Credentials;
import java.io.Console;

/** The {@code --creds=USER} of push and pull: the password asked for on the terminal, as podman asks for it. */
final class CredsPrompt {
  private CredsPrompt() {}

  /** {@code credentials} with a password: theirs, else one read from the terminal; USAGE where there is none. */
  static Credentials withPassword(Credentials credentials, Environment environment) throws JimgException {
    if (credentials.password().isPresent()) {
      return credentials;
    }
    Console console = System.console();
    if (!environment.terminal() || console == null) {
      throw new JimgException(Reason.USAGE, "--creds=" + credentials.user() + " has no password and there is no "
          + "terminal to ask for it on: write --creds=USER:PASSWORD");
    }
    char[] password = console.readPassword("Password for %s: ", credentials.user());
    if (password == null) {
      throw new JimgException(Reason.USAGE, "no password was given for --creds=" + credentials.user());
    }
    return credentials.withPassword(new String(password));
  }
}
