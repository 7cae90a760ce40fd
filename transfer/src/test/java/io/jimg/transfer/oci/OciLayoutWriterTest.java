package io.jimg.transfer.oci;

import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.Descriptor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jimg.btrfs.DescriptorInputStream;
import io.jimg.btrfs.testing.Commands;
import io.jimg.images.JimgException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  /** Copies image {@code tag} of {@code source} blob by blob through the writer, as a push to oci: does. */
  private static Descriptor copy(Path source, String tag, OciLayoutWriter writer, String newTag) throws Exception {
    try (OciLayout from = OciLayout.open(source)) {
      Descriptor manifest = from.find(tag);
      JsonNode parsed = JSON.readTree(from.readBlob(manifest.digest(), 1 << 20));
      List<JsonNode> blobs = new ArrayList<>();
      blobs.add(parsed.get("config"));
      parsed.get("layers").forEach(blobs::add);
      for (JsonNode blob : blobs) {
        try (DescriptorInputStream in = new DescriptorInputStream(from.openBlob(Digest.parse(blob.get("digest").asText())))) {
          writer.writeBlob(Digest.parse(blob.get("digest").asText()), blob.get("size").asLong(), in);
        }
      }
      try (DescriptorInputStream in = new DescriptorInputStream(from.openBlob(manifest.digest()))) {
        writer.writeBlob(manifest.digest(), manifest.size(), in);
      }
      writer.tag(newTag, manifest);
      return manifest;
    }
  }

  @Test
  void aWrittenLayoutIsOneUmociAndSkopeoRead() throws Exception {
    Path source = work.resolve("source");
    UmociLayouts.image(work, source, "a");
    UmociLayouts.image(work, source, "b");
    Path target = work.resolve("pushed"); // missing: the writer makes it
    Descriptor a;
    try (OciLayoutWriter writer = OciLayoutWriter.create(target)) {
      a = copy(source, "a", writer, "t");
      assertTrue(writer.hasBlob(a.digest()));
    }
    Path bundle = work.resolve("bundle");
    Commands.run("umoci", "unpack", "--image", target + ":t", bundle.toString());
    assertEquals("hello from a\n", Files.readString(bundle.resolve("rootfs/hello")));
    assertEquals(UmociLayouts.rawManifest("oci:" + source + ":a"), UmociLayouts.rawManifest("oci:" + target + ":t"));

    try (OciLayoutWriter writer = OciLayoutWriter.create(target)) {
      copy(source, "b", writer, "u");
      Descriptor b = copy(source, "b", writer, "t"); // the tag moves; "u" stays
      try (OciLayout written = OciLayout.open(target)) {
        assertEquals(2, written.manifests().size());
        assertEquals(b.digest(), written.find("t").digest());
        assertEquals(b.digest(), written.find("u").digest());
      }
    }
    Commands.run("umoci", "unpack", "--image", target + ":t", work.resolve("bundle-t").toString());
    assertEquals("hello from b\n", Files.readString(work.resolve("bundle-t/rootfs/hello")));
    try (Stream<Path> files = Files.walk(target)) {
      assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".#")).toList());
    }
  }

  @Test
  void aBlobOfTheWrongSizeIsNotPutInPlace() throws Exception {
    Path target = work.resolve("layout");
    Digest digest = new Digest("1".repeat(64));
    try (OciLayoutWriter writer = OciLayoutWriter.create(target)) {
      JimgException e = assertThrows(JimgException.class,
          () -> writer.writeBlob(digest, 10, new ByteArrayInputStream(new byte[4])));
      assertTrue(e.getMessage().contains("has 4 bytes, not 10"), e.getMessage());
      assertFalse(writer.hasBlob(digest));
      assertThrows(JimgException.class, () -> Digest.parse("sha256:../../x")); // no such digest reaches a writer
    }
    try (Stream<Path> files = Files.list(target.resolve("blobs/sha256"))) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void aSymlinkWhereABlobGoesIsReplacedNotWrittenThrough() throws Exception {
    Path target = work.resolve("layout");
    Path victim = Files.writeString(work.resolve("victim"), "untouched");
    byte[] content = "blob".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Digest digest = Digest.of(content);
    try (OciLayoutWriter writer = OciLayoutWriter.create(target)) {
      Path blob = target.resolve("blobs/sha256/" + digest.hex());
      Files.createSymbolicLink(blob, victim);
      assertFalse(writer.hasBlob(digest));
      writer.writeBlob(digest, content.length, new ByteArrayInputStream(content));
      assertTrue(Files.isRegularFile(blob, java.nio.file.LinkOption.NOFOLLOW_LINKS));
      assertEquals("blob", Files.readString(blob));
    }
    assertEquals("untouched", Files.readString(victim));
  }

  @Test
  void aDirectoryThatIsAnotherKindOfLayoutIsNotWrittenTo() throws Exception {
    Path target = Files.createDirectory(work.resolve("other"));
    Files.writeString(target.resolve("oci-layout"), "{\"imageLayoutVersion\":\"9\"}");
    JimgException e = assertThrows(JimgException.class, () -> OciLayoutWriter.create(target));
    assertTrue(e.getMessage().contains("not 1.0.0"), e.getMessage());
  }
}
