package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What of the caller's environment a command run in the service sees: the variables that choose the pool and those a
 * pull reads (proxies, credential files), so that a pull behind a proxy or with podman's credentials works as it does
 * without the service; nothing else of the caller's.
 */
class ServedVariablesTest {
  @Test
  void theServiceSeesThePoolsAndAPullsVariablesAsTheCallerHasThem() {
    Map<String, String> caller = Map.of("JIMG_IMAGE_ROOT", "/srv/pool", "https_proxy", "http://proxy.test:3128",
        "NO_PROXY", "localhost", "REGISTRY_AUTH_FILE", "/root/auth.json", "HOME", "/root",
        "XDG_RUNTIME_DIR", "/run/user/0", "LD_PRELOAD", "/tmp/evil.so", "PATH", "/usr/bin", "JIMG_SERVICE", "1");
    Environment environment = new Environment(caller, () -> ZoneOffset.UTC, false, Path.of("/"),
        Environment.PROCESS_STREAMS);
    Map<String, Object> parameters = ThroughService.parameters(new String[] {"pull", "docker://x/y"}, environment,
        "pull", false);
    assertEquals(Map.of("JIMG_IMAGE_ROOT", "/srv/pool", "https_proxy", "http://proxy.test:3128",
        "NO_PROXY", "localhost", "REGISTRY_AUTH_FILE", "/root/auth.json", "HOME", "/root",
        "XDG_RUNTIME_DIR", "/run/user/0"), ServedCommands.variables(parameters));
  }

  @Test
  void aVariableTheClientDidNotSendIsNotTheServices() {
    Map<String, Object> parameters = Map.of("environment", Map.of("LD_PRELOAD", "/tmp/evil.so", "HOME", "/home/u"));
    assertEquals(Map.of("HOME", "/home/u"), ServedCommands.variables(parameters));
  }
}
