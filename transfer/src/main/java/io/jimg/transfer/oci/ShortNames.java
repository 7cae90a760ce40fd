package io.jimg.transfer.oci;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a name written without a registry is, decided as podman decides it in {@code short-name-mode =
 * "enforcing"} (whatever the mode says: jimg never prompts and never tries one registry after another): an alias
 * first; else the only search registry; else, with several, an error listing them, never a guess; and docker.io
 * (with {@code library/}) where no search registry is configured at all.
 */
public final class ShortNames {
  private final RegistriesConf conf;

  public ShortNames(RegistriesConf conf) {
    this.conf = conf;
  }

  /** The fully qualified reference {@code reference} stands for; a qualified one is returned as it is. */
  public DockerReference resolve(DockerReference reference) throws JimgException {
    if (!reference.isShortName()) {
      return reference;
    }
    String shortName = reference.shortName().orElseThrow();
    String alias = conf.aliases().get(shortName);
    if (alias != null) {
      return reference.withName(alias);
    }
    List<String> search = conf.searchRegistries();
    if (search.isEmpty()) {
      return reference;
    }
    List<DockerReference> candidates = new ArrayList<>();
    for (String registry : search) {
      candidates.add(reference.withName(registry + "/" + shortName));
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    throw new JimgException(Reason.USAGE, "the short name '" + shortName + "' could mean "
        + candidates.stream().map(DockerReference::name).collect(Collectors.joining(", "))
        + "; write the full name or add an alias in /" + RegistriesConf.DIRECTORY + "/"
        + RegistriesConf.DROP_IN_DIRECTORY + "/");
  }
}
