package io.jimg.transfer.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
  @TempDir
  Path work;

  static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void readsTheImagesUmociMakesByTag() throws Exception {
    Path layout = work.resolve("layout");
    UmociLayouts.image(work, layout, "deb");
    UmociLayouts.image(work, layout, "other");
    try (OciLayout oci = OciLayout.open(layout)) {
      assertEquals(2, oci.manifests().size());
      OciDescriptor deb = oci.find("deb");
      assertEquals("application/vnd.oci.image.manifest.v1+json", deb.mediaType());
      byte[] manifest = oci.readBlob(deb.digest(), 4 << 20);
      assertEquals(deb.digest(), sha256(manifest));
      assertEquals(deb.size(), manifest.length);
      assertEquals(UmociLayouts.rawManifest("oci:" + layout + ":deb"), new String(manifest, StandardCharsets.UTF_8));
      assertArrayEquals(Files.readAllBytes(layout.resolve("index.json")), oci.indexJson());

      JimgException several = assertThrows(JimgException.class, () -> oci.find(null));
      assertEquals(Reason.USAGE, several.reason());
      assertTrue(several.getMessage().endsWith("holds 2 images; name one with :TAG (tags: deb, other)"),
          several.getMessage());
      JimgException missing = assertThrows(JimgException.class, () -> oci.find("nope"));
      assertEquals(Reason.NOT_FOUND, missing.reason());
      assertTrue(missing.getMessage().contains("has no image tagged 'nope' (tags: deb, other)"),
          missing.getMessage());
    }
  }

  @Test
  void readsTheLayoutSkopeoWritesAndItsOnlyImageWithoutATag() throws Exception {
    Path source = work.resolve("source");
    UmociLayouts.image(work, source, "deb");
    Path copy = work.resolve("copy");
    UmociLayouts.copy("oci:" + source + ":deb", "oci:" + copy + ":x");
    try (OciLayout oci = OciLayout.open(copy)) {
      OciDescriptor only = oci.find(null);
      assertEquals("x", only.refName());
      assertEquals(only, oci.find("x"));
      String manifest = new String(oci.readBlob(only.digest(), 1 << 20), StandardCharsets.UTF_8);
      String config = manifest.replaceAll("(?s).*\"config\":\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\".*", "$1");
      try (Fd blob = oci.openBlob(config)) {
        assertTrue(blob.stat().size() > 0);
      }
    }
  }

  /** Each case spoils a good layout in one way; opening it or its blob must fail naming the layout. */
  @Test
  void refusesHostileLayouts() throws Exception {
    record Case(String name, Consumer<Path> spoil, boolean atOpen, String message) {}
    List<Case> cases = List.of(
        new Case("symlinked blob", layout -> relink(layout, "/etc/passwd"), false, "not a regular file"),
        new Case("blob is a directory", layout -> redirect(layout), false, "not a regular file"),
        new Case("symlinked blobs dir", layout -> symlinkBlobs(layout), false, "a symbolic link is not followed"),
        new Case("traversal digest", layout -> rewriteIndex(layout, "\"digest\":\"sha256:../../../../etc/passwd\""),
            true, "is not a sha256 digest"),
        new Case("huge index", layout -> grow(layout.resolve("index.json")), true, "larger than 4096 KiB"),
        new Case("symlinked index", layout -> replaceBySymlink(layout.resolve("index.json")), true,
            "symbolic link"),
        new Case("wrong version", layout -> writeString(layout.resolve("oci-layout"),
            "{\"imageLayoutVersion\":\"2.0.0\"}"), true, "imageLayoutVersion '2.0.0', not 1.0.0"),
        new Case("no marker", layout -> delete(layout.resolve("oci-layout")), true, "is it an OCI image layout"),
        new Case("index not JSON", layout -> writeString(layout.resolve("index.json"), "{\"manifests\": ["), true,
            "not valid JSON"));
    Path pristine = work.resolve("pristine");
    UmociLayouts.image(work, pristine, "t");
    for (Case c : cases) {
      Path layout = work.resolve(c.name.replace(' ', '-'));
      UmociLayouts.copy("oci:" + pristine + ":t", "oci:" + layout + ":t");
      c.spoil.accept(layout);
      JimgException e = assertThrows(JimgException.class, () -> {
        try (OciLayout oci = OciLayout.open(layout)) {
          assertFalse(c.atOpen, c.name + " opened");
          oci.openBlob(oci.find("t").digest()).close();
        }
      }, c.name);
      assertTrue(e.getMessage().contains(c.message), c.name + ": " + e.getMessage());
      assertTrue(e.getMessage().contains(layout.toString()), c.name + ": " + e.getMessage());
    }
    try (OciLayout oci = OciLayout.open(pristine)) {
      JimgException e = assertThrows(JimgException.class, () -> oci.openBlob("sha256:../../../etc/passwd"));
      assertTrue(e.getMessage().contains("is not a sha256 digest"), e.getMessage());
      JimgException absent = assertThrows(JimgException.class, () -> oci.openBlob("sha256:" + "0".repeat(64)));
      assertEquals(Reason.NOT_FOUND, absent.reason());
    }
  }

  private static Path manifestBlob(Path layout) {
    try {
      String index = Files.readString(layout.resolve("index.json"));
      String hex = index.replaceAll("(?s).*\"digest\":\"sha256:([0-9a-f]{64})\".*", "$1");
      return layout.resolve("blobs/sha256/" + hex);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void relink(Path layout, String target) {
    try {
      Path blob = manifestBlob(layout);
      Files.delete(blob);
      Files.createSymbolicLink(blob, Path.of(target));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void redirect(Path layout) {
    try {
      Path blob = manifestBlob(layout);
      Files.delete(blob);
      Files.createDirectory(blob);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void symlinkBlobs(Path layout) {
    try {
      Path moved = layout.resolveSibling(layout.getFileName() + "-blobs");
      Files.move(layout.resolve("blobs"), moved);
      Files.createSymbolicLink(layout.resolve("blobs"), moved);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void rewriteIndex(Path layout, String digestField) {
    try {
      String index = Files.readString(layout.resolve("index.json"));
      writeString(layout.resolve("index.json"), index.replaceAll("\"digest\":\"sha256:[0-9a-f]{64}\"", digestField));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void grow(Path file) {
    try (RandomAccessFile grown = new RandomAccessFile(file.toFile(), "rw")) {
      grown.setLength(1L << 30);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void replaceBySymlink(Path file) {
    try {
      Path moved = file.resolveSibling("index-elsewhere.json");
      Files.move(file, moved);
      Files.createSymbolicLink(file, moved.getFileName());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void writeString(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
