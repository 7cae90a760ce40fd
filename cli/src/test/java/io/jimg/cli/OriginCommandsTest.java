package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code show} and {@code --json} say where an image came from: an import, a clone of it, another tool's image. */
class OriginCommandsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private final JimgRunner jimg = new JimgRunner();

  @Test
  void anImportAndItsCloneShowTheirOriginAsTextAndJson() throws Exception {
    Path pool = Files.createDirectory(BTRFS.root().resolve("pool"));
    Path tree = Files.createDirectory(BTRFS.root().resolve("tree"));
    Files.writeString(tree.resolve("hello"), "world");
    Path archive = BTRFS.root().resolve("small.tar");
    Commands.run("tar", "-C", tree.toString(), "-cf", archive.toString(), ".");
    Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.from(Instant.parse("2026-05-04T03:02:01Z")));
    assertEquals(0, jimg.run("--image-root=" + pool, "import-tar", archive.toString()).exitCode());
    assertEquals(0, jimg.run("--image-root=" + pool, "clone", "small", "copy").exitCode());
    Files.createDirectory(pool.resolve("foreign")); // made by another tool: no record

    JimgRunner.Result shown = jimg.run("--image-root=" + pool, "show", "copy");
    assertEquals(0, shown.exitCode(), shown::toString);
    assertTrue(shown.out().contains("\n   Origin: import-tar " + archive + "\n           size 10.0K, modified "
        + "Mon 2026-05-04 03:02:01 UTC\n           cloned from small\n           recorded "), shown.out());

    Map<String, Object> json = JsonReader.object(jimg.run("--image-root=" + pool, "show", "--json", "small").out());
    @SuppressWarnings("unchecked")
    Map<String, Object> origin = (Map<String, Object>) json.get("origin");
    assertEquals("import-tar", origin.get("kind"));
    assertEquals(archive.toString(), origin.get("source"));
    assertNull(origin.get("sha256"));
    assertEquals(Files.size(archive), ((Number) origin.get("sourceSize")).longValue());
    assertEquals("2026-05-04T03:02:01Z", origin.get("sourceModified"));
    assertEquals(List.of(), origin.get("signedBy"));
    assertNull(origin.get("clonedFrom"));
    assertTrue(origin.containsKey("verified") && origin.containsKey("provisionedFrom"), origin.toString());

    List<Map<String, Object>> listed =
        JsonReader.arrayOfObjects(jimg.run("--image-root=" + pool, "list", "--json").out());
    for (Map<String, Object> image : listed) {
      assertTrue(image.containsKey("origin"), image.toString());
      Object recorded = image.get("origin");
      switch ((String) image.get("name")) {
        case "foreign" -> assertNull(recorded);
        case "copy" -> assertEquals("small", ((Map<?, ?>) recorded).get("clonedFrom"));
        default -> assertEquals("import-tar", ((Map<?, ?>) recorded).get("kind"));
      }
    }
    assertEquals(3, listed.size(), listed.toString());
    assertTrue(!jimg.run("--image-root=" + pool, "show", "foreign").out().contains("Origin:"));
  }
}
