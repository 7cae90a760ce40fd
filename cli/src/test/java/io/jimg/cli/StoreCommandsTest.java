package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Access;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every verb end to end, in-process, against a real pool on a loop-mounted filesystem: a fresh pool directory per
 * test on a filesystem shared by the class. The subclasses pick btrfs (tree images are subvolumes) or tmpfs
 * (plain directories).
 */
abstract class StoreCommandsTest {
  static final String OS_RELEASE = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n";

  abstract LoopFilesystem filesystem();

  abstract String treeType();

  Path pool;
  final JimgRunner jimg = new JimgRunner();

  @BeforeEach
  void makePool() throws IOException {
    pool = filesystem().newDirectory("pool-");
  }

  /** Runs jimg on this test's pool; the --image-root goes last, after the verb, as a user may put it. */
  JimgRunner.Result jimg(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--image-root=" + pool);
    return jimg.run(all.toArray(String[]::new));
  }

  JimgRunner.Result succeed(String... args) {
    JimgRunner.Result result = jimg(args);
    assertEquals(0, result.exitCode(), result::toString);
    return result;
  }

  /** A tree image with an os-release: a subvolume on btrfs, a directory elsewhere. */
  void makeTree(String name) throws IOException {
    if (treeType().equals("subvolume")) {
      try (Fd parent = Fd.openDirectory(pool)) {
        Subvolume.create(parent, name.getBytes(StandardCharsets.UTF_8));
      }
    } else {
      Files.createDirectory(pool.resolve(name));
    }
    Files.createDirectories(pool.resolve(name).resolve("etc"));
    Files.writeString(pool.resolve(name).resolve("etc/os-release"), OS_RELEASE);
    Files.writeString(pool.resolve(name).resolve("etc/hostname"), name + "\n");
  }

  void makeRaw(String name) throws IOException {
    Files.write(pool.resolve(name + ".raw"), new byte[64 << 10]);
  }

  Map<String, Object> show(String name) {
    return JsonReader.object(succeed("show", name, "--json").out());
  }

  @Test
  void listPrintsATableOfVisibleImages() throws IOException {
    makeTree("debian");
    makeRaw("fedora");
    makeTree(".hidden");
    String out = succeed("list").out();
    List<String> lines = out.lines().toList();
    assertTrue(lines.get(0).matches("NAME +TYPE +RO +USAGE +CREATED +MODIFIED"), out);
    assertTrue(lines.get(1).matches("debian +" + treeType() + " +no .*"), out);
    assertTrue(lines.get(2).matches("fedora +raw +no .*"), out);
    assertEquals(List.of("", "2 images listed."), lines.subList(3, lines.size()), out);
  }

  @Test
  void listAllShowsHiddenImagesAndQuietDropsTheLegend() throws IOException {
    makeTree("debian");
    makeTree(".hidden");
    String out = succeed("list", "--all", "-q").out();
    assertEquals(2, out.lines().count(), out);
    assertTrue(out.lines().anyMatch(line -> line.startsWith(".hidden ")), out);
    assertTrue(out.lines().anyMatch(line -> line.startsWith("debian ")), out);
  }

  @Test
  void listOfAnEmptyPool() {
    assertEquals("No images.\n", succeed("list").out());
    assertEquals("[]\n", succeed("list", "--json").out());
  }

  @Test
  void listJsonHasEveryKeyWithItsType() throws IOException {
    makeTree("debian");
    makeRaw("fedora");
    List<Map<String, Object>> images = JsonReader.arrayOfObjects(succeed("--json", "list").out());
    assertEquals(2, images.size());
    for (Map<String, Object> image : images) {
      assertEquals(List.of("name", "type", "path", "readOnly", "hidden", "created", "modified", "usage",
          "usageExclusive", "limit", "limitExclusive", "usageExact", "origin"), List.copyOf(image.keySet()));
      assertKeyTypes(image);
    }
    Map<String, Object> debian = images.get(0);
    assertEquals("debian", debian.get("name"));
    assertEquals(treeType(), debian.get("type"));
    assertEquals(pool.resolve("debian").toString(), debian.get("path"));
    assertEquals(false, debian.get("readOnly"));
    assertEquals(false, debian.get("hidden"));
    assertEquals("raw", images.get(1).get("type"));
    assertEquals(pool.resolve("fedora.raw").toString(), images.get(1).get("path"));
  }

  static void assertKeyTypes(Map<String, Object> image) {
    assertTrue(image.get("name") instanceof String, image::toString);
    assertTrue(image.get("type") instanceof String, image::toString);
    assertTrue(image.get("path") instanceof String, image::toString);
    assertTrue(image.get("readOnly") instanceof Boolean, image::toString);
    assertTrue(image.get("hidden") instanceof Boolean, image::toString);
    for (String time : List.of("created", "modified")) {
      Object value = image.get(time);
      if (value != null) {
        Instant.parse((String) value); // ISO-8601 or a DateTimeParseException
      }
    }
    for (String size : List.of("usage", "usageExclusive", "limit", "limitExclusive")) {
      Object value = image.get(size);
      assertTrue(value == null || value instanceof Long && (Long) value >= 0, size + " in " + image);
    }
    assertTrue(image.get("origin") == null || image.get("origin") instanceof Map, image::toString);
  }

  @Test
  void showPrintsPropertiesAndOsRelease() throws IOException {
    makeTree("debian");
    String out = succeed("show", "debian").out();
    assertTrue(out.startsWith("     Name: debian\n     Type: " + treeType() + "\n     Path: " + pool.resolve("debian")
        + "\nRead-only: no\n   Hidden: no\n"), out);
    assertTrue(out.contains("\n       OS: Debian GNU/Linux 12 (bookworm)\n"), out);
  }

  @Test
  void showJsonAddsOsRelease() throws IOException {
    makeTree("debian");
    Map<String, Object> image = show("debian");
    assertKeyTypes(image);
    assertEquals(Map.of("PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)", "ID", "debian"), image.get("osRelease"));
    assertTrue(image.get("modified") != null || image.get("created") != null, image::toString);
  }

  @Test
  void showOfARawImageHasNoOsRelease() throws IOException {
    makeRaw("fedora");
    Map<String, Object> image = show("fedora");
    assertEquals(Map.of(), image.get("osRelease"));
    assertEquals(Long.valueOf(64 << 10), image.get("usage"), image::toString);
  }

  @Test
  void showOfAMissingImageExits3() {
    JimgRunner.Result result = jimg("show", "nothing");
    assertEquals(3, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("jimg: ") && result.err().contains("nothing"), result::toString);
    assertEquals(1, result.err().lines().count(), result::toString);
    assertEquals("", result.out());
  }

  @Test
  void cloneMakesAWritableOrReadOnlyCopy() throws IOException {
    makeTree("debian");
    succeed("clone", "debian", "copy");
    succeed("clone", "debian", "frozen", "--read-only");
    assertEquals("debian\n", Files.readString(pool.resolve("copy/etc/hostname")));
    assertEquals(false, show("copy").get("readOnly"));
    assertEquals(true, show("frozen").get("readOnly"));
    assertEquals(treeType(), show("frozen").get("type"));
    assertEquals(false, show("debian").get("readOnly"));
  }

  @Test
  void cloneOfARawImage() throws IOException {
    makeRaw("fedora");
    succeed("clone", "fedora", "fedora2");
    assertEquals(64 << 10, Files.size(pool.resolve("fedora2.raw")));
  }

  @Test
  void cloneReportsOnStderrUnlessQuiet() throws IOException {
    makeTree("debian");
    JimgRunner.Result loud = succeed("clone", "debian", "a");
    assertFalse(loud.err().isEmpty(), "an event line: " + loud);
    assertTrue(loud.err().lines().noneMatch(line -> line.startsWith("jimg: ") && !line.startsWith("jimg: warning")),
        loud::toString);
    JimgRunner.Result quiet = succeed("clone", "-q", "debian", "b");
    assertEquals("", quiet.err());
    assertEquals("", quiet.out());
  }

  @Test
  void cloneOntoAnExistingNameExits6AndChangesNothing() throws IOException {
    makeTree("debian");
    makeTree("taken");
    JimgRunner.Result result = jimg("clone", "debian", "taken");
    assertEquals(6, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("jimg: "), result::toString);
    assertEquals("taken\n", Files.readString(pool.resolve("taken/etc/hostname")));
  }

  @Test
  void cloneOfAMissingImageExits3() {
    assertEquals(3, jimg("clone", "nothing", "copy").exitCode());
    assertFalse(Files.exists(pool.resolve("copy")));
  }

  @Test
  void badNamesAreUsageErrors() throws IOException {
    makeTree("debian");
    for (String bad : List.of("../x", "a/b", "", ".", "..", "x".repeat(300), "tab\there")) {
      JimgRunner.Result result = jimg("clone", "debian", bad);
      assertEquals(2, result.exitCode(), () -> "'" + bad + "': " + result);
      assertEquals(1, result.err().lines().count(), result::toString);
    }
    try (var entries = Files.list(pool)) {
      assertEquals(List.of(pool.resolve("debian")), entries.filter(p -> !p.getFileName().toString().startsWith(".#"))
          .toList());
    }
  }

  @Test
  void renameMovesTheImage() throws IOException {
    makeTree("debian");
    succeed("rename", "debian", "bookworm");
    assertFalse(Files.exists(pool.resolve("debian")));
    assertEquals("bookworm", show("bookworm").get("name"));
    assertEquals(3, jimg("rename", "debian", "again").exitCode());
  }

  @Test
  void renameOntoAnExistingNameExits6() throws IOException {
    makeTree("a");
    makeTree("b");
    assertEquals(6, jimg("rename", "a", "b").exitCode());
    assertTrue(Files.exists(pool.resolve("a")));
  }

  @Test
  void removeRemovesEveryNamedImage() throws IOException {
    makeTree("a");
    makeTree("b");
    makeRaw("c");
    succeed("remove", "a", "b", "c");
    assertEquals("No images.\n", succeed("list", "--all").out());
  }

  @Test
  void removeWithAMissingNameExits3AndRemovesNothing() throws IOException {
    makeTree("a");
    makeTree("b");
    JimgRunner.Result result = jimg("remove", "a", "missing", "b");
    assertEquals(3, result.exitCode(), result::toString);
    assertTrue(result.err().contains("missing"), result::toString);
    assertTrue(Files.exists(pool.resolve("a")) && Files.exists(pool.resolve("b")));
  }

  @Test
  void busyImagesCannotBeRemovedOrRenamed() throws IOException {
    makeTree("a");
    makeTree("held");
    ImageStore store = JimgRunner.store(pool).build();
    try (ImageLease lease = store.lease("held", Access.READ)) {
      JimgRunner.Result result = jimg("remove", "a", "held");
      assertEquals(4, result.exitCode(), result::toString);
      assertTrue(result.err().startsWith("jimg: ") && result.err().contains("held"), result::toString);
      assertTrue(Files.exists(pool.resolve("a")), "remove checks every name before it removes any");
      assertEquals(4, jimg("rename", "held", "other").exitCode());
    }
    succeed("remove", "held");
  }

  @Test
  void cleanSkipsAndNamesBusyImages() throws IOException {
    makeTree(".busy");
    makeTree(".idle");
    ImageStore store = JimgRunner.store(pool).build();
    try (ImageLease lease = store.lease(".busy", Access.READ)) {
      JimgRunner.Result result = succeed("clean");
      assertEquals("Removed 1 image: .idle.\nSkipped 1 image in use: .busy.\n", result.out());
    }
    assertTrue(Files.exists(pool.resolve(".busy")));
  }

  @Test
  void readOnlyTogglesTheFlag() throws IOException {
    makeTree("debian");
    makeRaw("fedora");
    for (String name : List.of("debian", "fedora")) {
      succeed("read-only", name);
      assertEquals(true, show(name).get("readOnly"));
      succeed("read-only", name, "false");
      assertEquals(false, show(name).get("readOnly"));
      succeed("read-only", name, "yes");
      assertEquals(true, show(name).get("readOnly"));
      succeed("read-only", name, "0");
      assertEquals(false, show(name).get("readOnly"));
    }
    assertEquals(3, jimg("read-only", "nothing").exitCode());
  }

  @Test
  void cleanRemovesDownloadsLeftUnusedForADayButNotSystemdsFiles() throws IOException {
    List<String> old = List.of(".#jimg-download-tar0123456789abcdef", ".#jimg-download-tar0123456789abcdef.etag",
        ".#tar0123456789abcdef", ".#img.lck");
    for (String name : old) {
      Files.writeString(pool.resolve(name), "x");
      Files.setLastModifiedTime(pool.resolve(name),
          java.nio.file.attribute.FileTime.from(Instant.now().minus(java.time.Duration.ofDays(2))));
    }
    Files.writeString(pool.resolve(".#jimg-download-raw0123456789abcdef"), "fresh: a pull may resume it");
    succeed("clean");
    try (java.util.stream.Stream<Path> left = Files.list(pool)) {
      assertEquals(List.of(".#img.lck", ".#jimg-download-raw0123456789abcdef", ".#tar0123456789abcdef"),
          left.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void cleanRemovesHiddenImagesOrAll() throws IOException {
    makeTree(".old");
    makeTree("kept");
    JimgRunner.Result result = succeed("clean");
    assertEquals("Removed 1 image: .old.\n", result.out());
    assertFalse(Files.exists(pool.resolve(".old")));
    assertTrue(Files.exists(pool.resolve("kept")));
    Map<String, Object> report = JsonReader.object(succeed("clean", "--all", "--json").out());
    assertEquals(Map.of("removed", List.of("kept"), "skippedBusy", List.of()), report);
  }

  @Test
  void imageRootFromTheEnvironment() throws IOException {
    makeTree("debian");
    jimg.env(JimgCommand.IMAGE_ROOT_VARIABLE, pool.toString());
    JimgRunner.Result result = jimg.run("list", "-q");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().startsWith("debian "), result::toString);
  }

  @Test
  void globalOptionsBeforeTheVerb() throws IOException {
    makeTree("debian");
    JimgRunner.Result result = jimg.run("--image-root", pool.toString(), "--json", "-q", "show", "debian");
    assertEquals(0, result.exitCode(), result::toString);
    assertEquals("debian", JsonReader.object(result.out()).get("name"));
  }

  @Test
  void completionNamesIncludeHiddenImages() throws IOException {
    makeTree("debian");
    makeTree(".hidden");
    assertEquals(List.of(".hidden", "debian"), succeed(CompleteNamesCommand.NAME).out().lines().sorted().toList());
  }

  @Test
  void setLimitOfAMissingImageExits3() {
    assertEquals(3, jimg("set-limit", "nothing", "1G").exitCode());
  }

  static void assertNoLimit(Map<String, Object> image) {
    assertNull(image.get("limit"), image::toString);
  }
}
