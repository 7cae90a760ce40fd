package io.jimg.transfer.oci;

import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.Descriptor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.testing.Commands;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.Scratch;
import io.jimg.transfer.tar.TarImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciArchiveTest {
  @TempDir
  Path work;

  /** An image umoci made (tag "deb" of work/layout), as skopeo writes it to work/deb.tar with the tag "y". */
  private Path skopeoArchive() throws IOException {
    UmociLayouts.image(work, work.resolve("layout"), "deb");
    Path archive = work.resolve("deb.tar");
    UmociLayouts.copy("oci:" + work.resolve("layout") + ":deb", "oci-archive:" + archive + ":y");
    return archive;
  }

  @Test
  void anArchiveSkopeoWritesIsUnpackedAndReadAsALayout() throws Exception {
    Path archive = skopeoArchive();
    Path scratch = Files.createDirectory(work.resolve(".#scratch"));
    try (Fd directory = Fd.openDirectory(scratch);
        OciLayout oci = OciArchive.extract(archive, directory, TarImport.builder().build())) {
      Descriptor y = oci.find("y");
      assertEquals(y, oci.find(null));
      assertEquals(UmociLayouts.rawManifest("oci:" + work.resolve("layout") + ":deb"),
          new String(oci.readBlob(y.digest(), 1 << 20), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void anArchiveIsUnpackedUnderAStoresScratchNameAndGoesWithIt() throws Exception {
    Path archive = skopeoArchive();
    Path pool = work.resolve("machines");
    ImageStore store = ImageStore.builder().imageRoot(pool).settingsDirectory(work.resolve("nspawn"))
        .lockDirectory(work.resolve("locks")).build();
    try (Scratch scratch = store.scratch()) {
      try (OciLayout oci = OciArchive.extract(archive, scratch, TarImport.builder().build())) {
        assertEquals(java.util.Optional.of("y"), oci.find(null).refName());
        assertTrue(Files.isDirectory(scratch.path().resolve("blobs/sha256")));
      }
    }
    try (Stream<Path> left = Files.list(pool)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void anArchiveWithASymlinkedBlobUnpacksButTheBlobIsRefused() throws Exception {
    Path layout = work.resolve("layout");
    UmociLayouts.image(work, layout, "deb");
    String hex;
    try (OciLayout oci = OciLayout.open(layout)) {
      hex = oci.find("deb").digest().hex();
    }
    Path blob = layout.resolve("blobs/sha256/" + hex);
    Files.delete(blob);
    Files.createSymbolicLink(blob, Path.of("/etc/passwd"));
    Path archive = work.resolve("hostile.tar");
    Commands.run("tar", "-C", layout.toString(), "-cf", archive.toString(), ".");
    try (Fd directory = Fd.openDirectory(Files.createDirectory(work.resolve("scratch")));
        OciLayout oci = OciArchive.extract(archive, directory, TarImport.builder().build())) {
      JimgException e = assertThrows(JimgException.class, () -> oci.openBlob(new Digest(hex)));
      assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
  }

  @Test
  void anArchiveThatIsNoLayoutOrNoTarIsAClearError() throws Exception {
    Path notLayout = Files.createDirectory(work.resolve("plain"));
    Files.writeString(notLayout.resolve("file"), "x");
    Path archive = work.resolve("plain.tar");
    Commands.run("tar", "-C", notLayout.toString(), "-cf", archive.toString(), ".");
    try (Fd directory = Fd.openDirectory(Files.createDirectory(work.resolve("s1")))) {
      JimgException e = assertThrows(JimgException.class,
          () -> OciArchive.extract(archive, directory, TarImport.builder().build()).close());
      assertTrue(e.getMessage().contains("is it an OCI image layout"), e.getMessage());
    }
    Path garbage = work.resolve("garbage.tar");
    Files.writeString(garbage, "not a tar at all, and long enough to be looked at as one".repeat(20));
    try (Fd directory = Fd.openDirectory(Files.createDirectory(work.resolve("s2")))) {
      JimgException e = assertThrows(JimgException.class,
          () -> OciArchive.extract(garbage, directory, TarImport.builder().build()).close());
      assertEquals("cannot unpack the OCI archive " + garbage + ": not a tar archive (starts with \"not a tar at all\")",
          e.getMessage());
    }
  }
}
