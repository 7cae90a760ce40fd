package io.jimg.transfer.oci;

import io.jimg.transfer.oci.registry.Credentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFilesTest {
  @TempDir
  Path home;

  private static String auth(String userAndPassword) {
    return Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String relative, String json) throws IOException {
    Path file = home.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
    return file;
  }

  private AuthFiles files() {
    return new AuthFiles(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home, 1000);
  }

  private Optional<AuthFiles.Found> find(String reference) throws JimgException {
    return files().find(DockerReference.parse(reference));
  }

  @Test
  void filesAreLookedInInPodmansOrder() {
    assertEquals(List.of(new AuthFiles.AuthFile(home.resolve("run/containers/auth.json"), false),
        new AuthFiles.AuthFile(home.resolve(".config/containers/auth.json"), false),
        new AuthFiles.AuthFile(home.resolve(".docker/config.json"), false),
        new AuthFiles.AuthFile(home.resolve(".dockercfg"), true)), files().files());
    assertEquals(Path.of("/run/containers/0/auth.json"), new AuthFiles(Map.of(), home, 0).files().get(0).path());
    assertEquals(List.of(new AuthFiles.AuthFile(Path.of("/x/auth.json"), false)),
        new AuthFiles(Map.of("REGISTRY_AUTH_FILE", "/x/auth.json", "XDG_RUNTIME_DIR", "/r"), home, 0).files());
    AuthFiles configured = new AuthFiles(Map.of("XDG_CONFIG_HOME", "/c", "DOCKER_CONFIG", "/d"), home, 1000);
    assertEquals(Path.of("/c/containers/auth.json"), configured.files().get(1).path());
    assertEquals(Path.of("/d/config.json"), configured.files().get(2).path());
  }

  @Test
  void theMostSpecificKeyWinsAndTheFirstFileWithAnEntry() throws Exception {
    write("run/containers/auth.json", "{\"auths\": {\"quay.io/team\": {\"auth\": \"" + auth("team:t") + "\"},"
        + " \"quay.io\": {\"auth\": \"" + auth("any:a") + "\"},"
        + " \"quay.io/team/app\": {\"auth\": \"" + auth("app:p:with:colons") + "\"}}}");
    Path docker = write(".docker/config.json", "{\"auths\": {\"ghcr.io\": {\"auth\": \"" + auth("gh:g") + "\"},"
        + " \"quay.io\": {\"auth\": \"" + auth("later:l") + "\"}}}");
    assertEquals(new Credentials("app", "p:with:colons"), find("quay.io/team/app:1").orElseThrow().credentials());
    assertEquals(new Credentials("team", "t"), find("quay.io/team/other").orElseThrow().credentials());
    assertEquals(new Credentials("any", "a"), find("quay.io/teamx/app").orElseThrow().credentials());
    AuthFiles.Found gh = find("ghcr.io/a/b").orElseThrow();
    assertEquals(new Credentials("gh", "g"), gh.credentials());
    assertEquals(docker, gh.source());
    assertEquals(Optional.empty(), find("example.com/a"));
  }

  @Test
  void urlKeysAndTheLegacyFileStandForTheirHost() throws Exception {
    write(".docker/config.json", "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"" + auth("hub:h")
        + "\"}}}");
    write(".dockercfg", "{\"https://legacy.example.com/v1/\": {\"auth\": \"" + auth("old:o") + "\"}}");
    assertEquals(new Credentials("hub", "h"), find("debian").orElseThrow().credentials());
    assertEquals(new Credentials("old", "o"), find("legacy.example.com/a").orElseThrow().credentials());
  }

  @Test
  void credentialHelpersAreNamedNotIgnored() throws Exception {
    write(".docker/config.json", "{\"credHelpers\": {\"123.dkr.ecr.example.com\": \"ecr-login\"},"
        + " \"credsStore\": \"desktop\", \"auths\": {\"https://index.docker.io/v1/\": {}}}");
    JimgException e = assertThrows(JimgException.class, () -> find("123.dkr.ecr.example.com/app"));
    assertTrue(e.getMessage().contains("docker-credential-ecr-login, which jimg does not run"), e.getMessage());
    e = assertThrows(JimgException.class, () -> find("debian"));
    assertTrue(e.getMessage().contains("docker-credential-desktop"), e.getMessage());
    assertEquals(Optional.empty(), find("quay.io/a")); // nothing stored for it anywhere: an anonymous pull
  }

  @Test
  void badFilesAreErrorsThatNeverShowASecret() throws Exception {
    write(".config/containers/auth.json", "{\"auths\": {\"quay.io\": {\"auth\": \"c2VjcmV0!!\"}}}");
    JimgException e = assertThrows(JimgException.class, () -> find("quay.io/a"));
    assertFalse(e.getMessage().contains("c2VjcmV0"), e.getMessage());
    assertTrue(e.getMessage().contains("not base64 of USER:PASSWORD"), e.getMessage());

    // No ':' in what the base64 gives: skipped as docker skips it, so the next file's entry is used.
    write(".config/containers/auth.json", "{\"auths\": {\"quay.io\": {\"auth\": \"" + auth("nocolon") + "\"}}}");
    write(".docker/config.json", "{\"auths\": {\"quay.io\": {\"auth\": \"" + auth("u:p\0\0") + "\"}}}");
    assertEquals(new Credentials("u", "p"), find("quay.io/a").orElseThrow().credentials());

    write(".config/containers/auth.json", "{\"auths\": ");
    e = assertThrows(JimgException.class, () -> find("quay.io/a"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

    Files.delete(home.resolve(".config/containers/auth.json"));
    Files.createSymbolicLink(home.resolve(".config/containers/auth.json"), Path.of("/etc/shadow"));
    e = assertThrows(JimgException.class, () -> find("quay.io/a"));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
  }

  @Test
  void credsParseAndHideThePassword() throws JimgException {
    Credentials both = Credentials.parse("user:pa:ss");
    assertEquals("user", both.user());
    assertEquals(Optional.of("pa:ss"), both.password());
    assertFalse(both.toString().contains("pa:ss"), both.toString());
    assertEquals("Basic " + auth("user:pa:ss"), both.basicAuthorization());
    Credentials userOnly = Credentials.parse("user");
    assertEquals(Optional.empty(), userOnly.password());
    assertThrows(IllegalStateException.class, userOnly::basicAuthorization);
    assertEquals("Basic " + auth("user:asked"), userOnly.withPassword("asked").basicAuthorization());
    assertEquals(Optional.of(""), Credentials.parse("user:").password());
    assertThrows(JimgException.class, () -> Credentials.parse(":secret"));
    assertThrows(JimgException.class, () -> Credentials.parse(""));
  }
}
