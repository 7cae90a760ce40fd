package io.jimg.transfer.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTest {
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void digestsAreSha256InLowerCaseHexOnly() throws Exception {
    String hex = "a".repeat(64);
    assertEquals("sha256:" + hex, Digest.parse("sha256:" + hex).toString());
    for (String bad : new String[] {"sha512:" + hex, "sha256:" + "A".repeat(64), "sha256:" + hex + "0", hex,
        "sha256:../" + hex.substring(3)}) {
      assertThrows(JimgException.class, () -> Digest.parse(bad), bad);
    }
    assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Digest.of(new byte[0]).toString());
  }

  @Test
  void platformsParseAndArm64DefaultsToV8() throws Exception {
    assertEquals(new Platform("linux", "arm64", "v8"), Platform.parse("linux/arm64/v8"));
    assertThrows(JimgException.class, () -> Platform.parse("linux"));
    assertThrows(JimgException.class, () -> Platform.parse("linux//v7"));
    assertTrue(Platform.parse("linux/arm64/v8").accepts(new Platform("linux", "arm64", null)));
    assertFalse(Platform.parse("linux/arm/v7").accepts(new Platform("linux", "arm", "v6")));
    assertTrue(Platform.parse("linux/arm").accepts(new Platform("linux", "arm", "v6")));
    assertFalse(Platform.parse("linux/amd64").accepts(new Platform("windows", "amd64", null)));
    assertEquals("linux", Platform.host().os());
  }

  @Test
  void aConfigGivesWhatRunsAndItsDiffIds() throws Exception {
    ImageConfig config = ImageConfig.parse(utf8("{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\","
        + "\"config\":{\"Entrypoint\":[\"/init\"],\"Cmd\":null,\"Env\":[\"A=1\"],\"User\":\"1000\","
        + "\"WorkingDir\":\"/srv\",\"ExposedPorts\":{\"80/tcp\":{}}},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + "b".repeat(64) + "\"]}}"), "config");
    assertEquals(List.of("/init"), config.entrypoint());
    assertNull(config.cmd());
    assertEquals(List.of("A=1"), config.env());
    assertEquals("1000", config.user());
    assertEquals("/srv", config.workingDir());
    assertEquals(List.of(new Digest("b".repeat(64))), config.diffIds());
  }

  @Test
  void aManifestRoundTripsThroughItsJson() throws Exception {
    TestImage image = TestImage.of(1, 10, 20);
    assertEquals(image.manifest(), ImageManifest.parse(image.manifestBytes(), null, "manifest"));
    ImageIndex index = new ImageIndex(MediaTypes.OCI_INDEX,
        List.of(image.manifestDescriptor(new Platform("linux", "arm", "v7"))));
    assertEquals(index, ImageIndex.parse(index.toJson(), "index"));
  }

  @Test
  void hostileDocumentsAreRefused() {
    String layer = "{\"mediaType\":\"" + MediaTypes.OCI_LAYER + "\",\"digest\":\"sha256:" + "c".repeat(64)
        + "\",\"size\":1}";
    String config = "{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"sha256:" + "c".repeat(64)
        + "\",\"size\":1}";
    JimgException tooMany = assertThrows(JimgException.class, () -> ImageManifest.parse(utf8(
        "{\"schemaVersion\":2,\"config\":" + config + ",\"layers\":[" + String.join(",", java.util.Collections
            .nCopies(129, layer)) + "]}"), MediaTypes.OCI_MANIFEST, "manifest"));
    assertTrue(tooMany.getMessage().contains("more than 128"), tooMany.getMessage());
    assertThrows(JimgException.class, () -> ImageManifest.parse(utf8(
        "{\"schemaVersion\":2,\"config\":" + config + ",\"config\":" + config + "}"), null, "duplicate names"));
    assertThrows(JimgException.class, () -> ImageManifest.parse(utf8("{\"a\":" + "[".repeat(100)
        + "]".repeat(100) + "}"), null, "deep"));
    assertThrows(JimgException.class, () -> ImageManifest.parse(utf8("{\"schemaVersion\":2,\"config\":" + config
        + ",\"layers\":[" + layer.replace("v1.tar", "v1.tar+foreign") + "]}"), null, "foreign layer type"));
    assertThrows(JimgException.class, () -> Descriptor.parse(Map.of("mediaType", "x", "digest",
        "sha256:" + "c".repeat(64), "size", -1L), "negative size"));
  }
}
