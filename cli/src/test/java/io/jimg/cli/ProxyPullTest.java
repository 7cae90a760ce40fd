package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.pull.NginxServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** `jimg pull` of an https URL through the proxy $https_proxy names: a real tinyproxy tunnelling to a real nginx. */
class ProxyPullTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final NginxServer NGINX = new NginxServer();
  @RegisterExtension static final TinyProxy PROXY = new TinyProxy();

  @Test
  void pullsOverHttpsThroughTheProxyInHttpsProxy() throws Exception {
    byte[] image = "a raw disk behind a proxy\n".repeat(200).getBytes(StandardCharsets.US_ASCII);
    Path served = Files.createDirectories(NGINX.root().resolve("proxied"));
    Files.write(served.resolve("disk.raw"), image);
    String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    Files.writeString(served.resolve("SHA256SUMS"), sum + " *disk.raw\n");
    URI url = NGINX.httpsUrl("/proxied/disk.raw");
    Path pool = Files.createDirectories(BTRFS.root().resolve("pool"));

    JimgRunner.Result result = new JimgRunner().env("https_proxy", PROXY.url().toString())
        .run("--image-root=" + pool, "pull-raw", "--verify=checksum", "--ca-file=" + NGINX.caFile(), url.toString());
    assertEquals(0, result.exitCode(), result::toString);
    assertArrayEquals(image, Files.readAllBytes(pool.resolve("disk.raw")));
    String tunnel = "CONNECT 127.0.0.1:" + url.getPort();
    assertTrue(PROXY.log().stream().anyMatch(line -> line.contains(tunnel)), "no " + tunnel + " in " + PROXY.log());
    assertTrue(NGINX.httpsAccessLog().contains("GET /proxied/disk.raw 200 range=-"), NGINX.httpsAccessLog()::toString);
  }
}
