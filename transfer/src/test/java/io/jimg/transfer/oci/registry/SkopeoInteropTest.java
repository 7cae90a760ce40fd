package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.transfer.testing.RegistryServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peers jimg must agree with: skopeo reads what jimg pushes, jimg reads what skopeo pushes of umoci's making. */
class SkopeoInteropTest {
  @TempDir Path temp;

  @Test
  void skopeoCopiesAnImageJimgPushed() throws Exception {
    TestImage image = TestImage.of(31, 30_000, 5_000);
    try (RegistryServer server = RegistryServer.start()) {
      RegistryClient client = RegistryClient.builder(server.host()).insecure(true)
          .httpOptions(MockRegistryTest.quickOptions()).build();
      Pushes.push(client, "team/app", "v1", image);
      String reference = "docker://" + server.host() + "/team/app:v1";
      String inspected = Commands.run("skopeo", "inspect", "--tls-verify=false", reference);
      assertTrue(inspected.contains("\"Digest\": \"" + image.manifestDigest() + "\""), inspected);
      Path layout = temp.resolve("copy");
      Commands.run("skopeo", "copy", "--src-tls-verify=false", reference, "oci:" + layout + ":v1");
      for (int i = 0; i < image.layers().size(); i++) {
        Digest layer = image.manifest().layers().get(i).digest();
        assertArrayEquals(image.layers().get(i), Files.readAllBytes(layout.resolve("blobs/sha256/" + layer.hex())));
      }
      assertArrayEquals(image.manifestBytes(),
          Files.readAllBytes(layout.resolve("blobs/sha256/" + image.manifestDigest().hex())));
    }
  }

  @Test
  void jimgReadsAnUmociImageSkopeoPushed() throws Exception {
    Path layout = temp.resolve("oci");
    Commands.run("umoci", "init", "--layout", layout.toString());
    Commands.run("umoci", "new", "--image", layout + ":img");
    Path bundle = temp.resolve("bundle");
    Commands.run("umoci", "unpack", "--image", layout + ":img", bundle.toString());
    Files.createDirectories(bundle.resolve("rootfs/etc"));
    Files.writeString(bundle.resolve("rootfs/etc/hello"), "hello\n");
    Files.createDirectories(bundle.resolve("rootfs/usr/bin"));
    Files.writeString(bundle.resolve("rootfs/usr/bin/tool"), "#!/bin/sh\n");
    Commands.run("umoci", "repack", "--image", layout + ":img", bundle.toString());
    Commands.run("umoci", "config", "--image", layout + ":img", "--config.cmd", "/bin/cat", "--config.cmd",
        "/etc/hello", "--config.env", "FOO=bar", "--config.workingdir", "/srv");
    try (RegistryServer server = RegistryServer.start()) {
      Commands.run("skopeo", "copy", "--dest-tls-verify=false", "oci:" + layout + ":img",
          "docker://" + server.host() + "/umoci/img:v1");
      RegistryClient client = RegistryClient.builder(server.host()).insecure(true)
          .httpOptions(MockRegistryTest.quickOptions()).build();
      Resolved resolved = client.resolve("umoci/img", "v1", Platform.host());
      ImageConfig config = ImageConfig.parse(Pushes.fetch(client, "umoci/img", resolved.manifest().config()),
          "config");
      assertEquals(List.of("/bin/cat", "/etc/hello"), config.cmd());
      assertTrue(config.env().contains("FOO=bar"), config.env().toString());
      assertEquals("/srv", config.workingDir());
      assertEquals(1, resolved.manifest().layers().size());
      assertEquals(1, config.diffIds().size());
      byte[] layer = Pushes.fetch(client, "umoci/img", resolved.manifest().layers().get(0));
      List<String> names = new ArrayList<>();
      byte[] hello = null;
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
          new ByteArrayInputStream(layer)))) {
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
          names.add(entry.getName());
          if (entry.getName().endsWith("etc/hello")) {
            hello = tar.readAllBytes();
          }
        }
      }
      assertTrue(names.stream().anyMatch(n -> n.endsWith("usr/bin/tool")), names.toString());
      assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), hello);
    }
  }
}
