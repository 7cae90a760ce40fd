package io.jimg.transfer.oci.pull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a pull reads from the host besides its options: the environment's variables (proxies, and where podman's
 * and docker's credentials are: {@code REGISTRY_AUTH_FILE}, {@code XDG_RUNTIME_DIR}, {@code DOCKER_CONFIG}, …),
 * the home directory and uid those files are under, and the root under which {@code etc/containers/registries.conf}
 * and its drop-ins are read ("/" outside tests).
 */
public record OciEnvironment(Map<String, String> variables, Path home, int uid, Path configRoot) {
  public OciEnvironment {
    variables = Map.copyOf(variables);
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(configRoot, "configRoot");
  }
}
