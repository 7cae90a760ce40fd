package io.jimg.cli;

import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.Credentials;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** {@code --creds} and {@code --tls-verify}, as pull and push both take them for a registry. */
final class RegistryFlags {
  private final Verb verb;
  private final OptionSpec creds;
  private final OptionSpec tlsVerify;

  RegistryFlags(Verb verb) {
    this.verb = verb;
    creds = verb.add(Verb.option("USER[:PASSWORD]", "--creds")
        .description("Log in to the registry as USER (the password is asked for on a terminal where it is left out;"
            + " default: the credentials podman and docker keep)."));
    tlsVerify = verb.add(Verb.option("BOOL", "--tls-verify").defaultValue("yes")
        .completionCandidates(new BooleanWords())
        .description("Talk HTTPS and check the registry's certificate; no talks plain HTTP (default: yes)."));
  }

  /** {@code --creds}, with its password asked for where it was left out; null where none were given. */
  Credentials credentials() throws JimgException {
    String given = creds.getValue();
    return given == null ? null : CredsPrompt.withPassword(Credentials.parse(given), verb.jimg().environment());
  }

  boolean tlsVerify() {
    try {
      return Booleans.parse(tlsVerify.getValue());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(verb.spec.commandLine(), e.getMessage());
    }
  }
}
