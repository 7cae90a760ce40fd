package io.jimg.transfer.oci;

import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.Descriptor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
  @TempDir
  Path work;

  @Test
  void readsTheImagesUmociMakesByTag() throws Exception {
    Path layout = work.resolve("layout");
    UmociLayouts.image(work, layout, "deb");
    UmociLayouts.image(work, layout, "other");
    try (OciLayout oci = OciLayout.open(layout)) {
      assertEquals(2, oci.manifests().size());
      Descriptor deb = oci.find("deb");
      assertEquals("application/vnd.oci.image.manifest.v1+json", deb.mediaType());
      byte[] manifest = oci.readBlob(deb.digest(), 4 << 20);
      assertEquals(deb.digest(), Digest.of(manifest));
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
      Descriptor only = oci.find(null);
      assertEquals(java.util.Optional.of("x"), only.refName());
      assertEquals(only, oci.find("x"));
      String manifest = new String(oci.readBlob(only.digest(), 1 << 20), StandardCharsets.UTF_8);
      String config = manifest.replaceAll("(?s).*\"config\":\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\".*", "$1");
      try (Fd blob = oci.openBlob(Digest.parse(config))) {
        assertTrue(blob.stat().size() > 0);
      }
    }
  }

  /** One way of spoiling a good layout. */
  private interface Spoil {
    void apply(Path layout) throws Exception;
  }

  /** Each case spoils a good layout in one way; opening it or its blob must fail naming the layout. */
  @Test
  void refusesHostileLayouts() throws Exception {
    record Case(String name, Spoil spoil, boolean atOpen, String message) {}
    List<Case> cases = List.of(
        new Case("symlinked blob", layout -> {
          Files.delete(manifestBlob(layout));
          Files.createSymbolicLink(manifestBlob(layout), Path.of("/etc/passwd"));
        }, false, "not a regular file"),
        new Case("blob is a directory", layout -> {
          Files.delete(manifestBlob(layout));
          Files.createDirectory(manifestBlob(layout));
        }, false, "not a regular file"),
        new Case("symlinked blobs dir", layout -> {
          Path moved = Files.move(layout.resolve("blobs"), layout.resolveSibling(layout.getFileName() + "-blobs"));
          Files.createSymbolicLink(layout.resolve("blobs"), moved);
        }, false, "a symbolic link is not followed"),
        new Case("traversal digest", layout -> Files.writeString(layout.resolve("index.json"),
            Files.readString(layout.resolve("index.json")).replaceAll("\"digest\":\"sha256:[0-9a-f]{64}\"",
                "\"digest\":\"sha256:../../../../etc/passwd\"")), true, "is not a sha256 digest"),
        new Case("huge index", layout -> {
          try (RandomAccessFile grown = new RandomAccessFile(layout.resolve("index.json").toFile(), "rw")) {
            grown.setLength(1L << 30); // sparse: never read past the bound
          }
        }, true, "larger than 4096 KiB"),
        new Case("symlinked index", layout -> {
          Files.move(layout.resolve("index.json"), layout.resolve("index-elsewhere.json"));
          Files.createSymbolicLink(layout.resolve("index.json"), Path.of("index-elsewhere.json"));
        }, true, "symbolic link"),
        new Case("wrong version", layout -> Files.writeString(layout.resolve("oci-layout"),
            "{\"imageLayoutVersion\":\"2.0.0\"}"), true, "imageLayoutVersion '2.0.0', not 1.0.0"),
        new Case("no marker", layout -> Files.delete(layout.resolve("oci-layout")), true, "is it an OCI image layout"),
        new Case("index not JSON", layout -> Files.writeString(layout.resolve("index.json"), "{\"manifests\": ["),
            true, "not valid JSON"));
    Path pristine = work.resolve("pristine");
    UmociLayouts.image(work, pristine, "t");
    for (Case c : cases) {
      Path layout = work.resolve(c.name.replace(' ', '-'));
      UmociLayouts.copy("oci:" + pristine + ":t", "oci:" + layout + ":t");
      c.spoil.apply(layout);
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
      JimgException absent = assertThrows(JimgException.class, () -> oci.openBlob(new Digest("0".repeat(64))));
      assertEquals(Reason.NOT_FOUND, absent.reason());
    }
  }

  /** The blob of the layout's (only) manifest. */
  private static Path manifestBlob(Path layout) throws IOException {
    String index = Files.readString(layout.resolve("index.json"));
    return layout.resolve("blobs/sha256/" + index.replaceAll("(?s).*\"digest\":\"sha256:([0-9a-f]{64})\".*", "$1"));
  }
}
