package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.transfer.testing.RegistryServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jimg push} against Debian's docker-registry: its one line and its JSON, a second push that uploads
 * nothing, TLS with --ca-file and htpasswd with --creds or the credential files, and one line with its exit code for
 * each thing that goes wrong.
 */
class PushCommandTest {
  private static RegistryServer plain;
  private static RegistryServer secure;
  @TempDir Path pool;
  @TempDir Path work;
  private JimgRunner jimg;

  @BeforeAll
  static void startRegistries() throws Exception {
    plain = RegistryServer.start();
    secure = RegistryServer.start(true, true);
  }

  @AfterAll
  static void stopRegistries() throws Exception {
    if (plain != null) {
      plain.close();
    }
    if (secure != null) {
      secure.close();
    }
  }

  @BeforeEach
  void image() throws Exception {
    jimg = new JimgRunner().env("REGISTRY_AUTH_FILE", work.resolve("auth.json").toString());
    Path tree = Files.createDirectories(work.resolve("tree/etc"));
    Files.writeString(tree.resolve("os-release"), "ID=debian\n");
    Files.writeString(tree.resolve("hello"), "hello\n");
    JimgRunner.Result made = jimg.runIn(pool, "import-fs", tree.getParent().toString(), "small");
    assertEquals(0, made.exitCode(), made::toString);
  }

  @Test
  void printsOneLineThenJsonAndASecondPushUploadsNothing() throws Exception {
    String reference = "docker://" + plain.host() + "/small:v1";
    JimgRunner.Result first = jimg.runIn(pool, "push", "small", reference, "--tls-verify=false");
    assertEquals(0, first.exitCode(), first::toString);
    assertTrue(first.out().matches("pushed small to " + java.util.regex.Pattern.quote(reference)
        + " \\(sha256:[0-9a-f]{64}\\)\n"), first::toString);
    long uploads = plain.requests().stream().filter(r -> r.contains("/blobs/uploads/")).count();

    JimgRunner.Result second = jimg.runIn(pool, "--json", "push", "small", reference, "--tls-verify=false");
    assertEquals(0, second.exitCode(), second::toString);
    String digest = first.out().substring(first.out().indexOf("(sha256:") + 1, first.out().length() - 2);
    assertTrue(second.out().matches("\\{\n  \"digest\": \"" + digest + "\",\n  \"reference\": \""
        + java.util.regex.Pattern.quote(reference) + "\",\n  \"layers\": \\[\n    \"sha256:[0-9a-f]{64}\"\n  \\],\n"
        + "  \"uploaded\": 0,\n  \"skipped\": 2\n\\}\n"), second::toString);
    assertEquals(uploads, plain.requests().stream().filter(r -> r.contains("/blobs/uploads/")).count(),
        "no upload began the second time");
  }

  @Test
  void tlsWithTheCaFileAndBasicAuthWithCredsOrTheCredentialFile() throws Exception {
    String ca = "--ca-file=" + secure.caFile();
    JimgRunner.Result withCreds = jimg.runIn(pool, "push", "small", "docker://" + secure.host() + "/small:creds", ca,
        "--creds=" + RegistryServer.USER + ":" + RegistryServer.PASSWORD);
    assertEquals(0, withCreds.exitCode(), withCreds::toString);

    String auth = Base64.getEncoder().encodeToString((RegistryServer.USER + ":" + RegistryServer.PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
    Files.writeString(work.resolve("auth.json"), "{\"auths\": {\"" + secure.host() + "\": {\"auth\": \"" + auth
        + "\"}}}");
    JimgRunner.Result fromFile = jimg.runIn(pool, "push", "small", "docker://" + secure.host() + "/small:file", ca);
    assertEquals(0, fromFile.exitCode(), fromFile::toString);
  }

  @Test
  void wrongCredentialsAreOneLineAndExit1() {
    JimgRunner.Result result = jimg.runIn(pool, "push", "small", "docker://" + secure.host() + "/small:v1",
        "--ca-file=" + secure.caFile(), "--creds=" + RegistryServer.USER + ":not-the-password");
    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("jimg: ") && result.err().endsWith("\n")
        && result.err().indexOf('\n') == result.err().length() - 1, result::toString);
    assertTrue(result.err().contains("access denied"), result::toString);
    assertFalse(result.err().contains("not-the-password"), result::toString);
  }

  @Test
  void credsWithoutAPasswordAndNoTerminalIsAUsageError() {
    JimgRunner.Result result = jimg.runIn(pool, "push", "small", "docker://" + secure.host() + "/small:v1",
        "--creds=" + RegistryServer.USER);
    assertEquals(2, result.exitCode(), result::toString);
    assertEquals("jimg: --creds=jimg has no password and there is no terminal to ask for it on: write "
        + "--creds=USER:PASSWORD\n", result.err());
  }

  @Test
  void usageErrorsAndAMissingImage() {
    JimgRunner.Result noTransport = jimg.runIn(pool, "push", "small", plain.host() + "/small:v1");
    assertEquals(2, noTransport.exitCode(), noTransport::toString);
    assertTrue(noTransport.err().startsWith("jimg: '" + plain.host() + "/small:v1' names no image transport"),
        noTransport::toString);
    JimgRunner.Result badFormat = jimg.runIn(pool, "push", "small", "oci:" + work.resolve("l"), "--format=xz");
    assertEquals(2, badFormat.exitCode(), badFormat::toString);
    assertTrue(badFormat.err().contains("--format takes gzip or zstd, not 'xz'"), badFormat::toString);
    JimgRunner.Result missing = jimg.runIn(pool, "push", "nothing", "oci:" + work.resolve("l"));
    assertEquals(3, missing.exitCode(), missing::toString);
    assertFalse(Files.exists(work.resolve("l")), "nothing written for an image that is not there");
  }

  @Test
  void pushesIntoAnImageLayout() throws Exception {
    Path layout = work.resolve("layout");
    JimgRunner.Result result = jimg.runIn(pool, "push", "small", "oci:" + layout + ":v1", "--format=zstd");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().startsWith("pushed small to oci:" + layout + ":v1 (sha256:"), result::toString);
    String manifest = io.jimg.btrfs.testing.Commands.run("skopeo", "inspect", "--raw", "oci:" + layout + ":v1");
    assertTrue(manifest.contains("application/vnd.oci.image.layer.v1.tar+zstd"), manifest);
  }
}
