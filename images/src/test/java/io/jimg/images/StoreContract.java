package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every store operation on every image type, run once per filesystem by the subclasses. */
abstract class StoreContract {
  Pools pools;
  ImageStore store;

  abstract Path filesystemRoot();

  /** The type a new tree image has on this filesystem. */
  abstract ImageType treeType();

  @BeforeEach
  void setUp() throws IOException {
    pools = new Pools(filesystemRoot());
    store = pools.store;
  }

  @AfterEach
  void tearDown() {
    pools.release();
  }

  static JimgException fails(Reason reason, Executable call) {
    JimgException e = assertThrows(JimgException.class, call);
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void createdTreeIsListedAndShownWithItsOsRelease() throws IOException {
    Image made = store.createTree("deb", CreateOptions.DEFAULT, Pools.tree("debian"));
    assertEquals(treeType(), made.type());
    assertEquals(pools.pool.resolve("deb"), made.path());
    assertFalse(made.readOnly());
    assertEquals("debian", made.osRelease().get("ID"));
    assertEquals("Test debian", made.osRelease().get("PRETTY_NAME"));
    assertNotNull(made.modified());
    List<Image> listed = store.list(false);
    assertEquals(List.of("deb"), listed.stream().map(Image::name).toList());
    assertEquals(Map.of(), listed.get(0).osRelease());
    assertEquals(List.of("deb"), pools.names());
    assertTrue(pools.events.has(StoreEvent.Kind.CREATED, "deb"));
    assertEquals("700", Integer.toOctalString(
        (Integer) Files.getAttribute(pools.pool, "unix:mode") & 0777), "a new pool is private");
  }

  @Test
  void osReleaseIsReadInsideTheImageNeverThroughASymlinkOut() throws IOException {
    Path outside = Files.writeString(pools.base.resolve("host-os-release"), "ID=host\n");
    store.createTree("evil", CreateOptions.DEFAULT, image -> {
      Files.createDirectories(image.path().resolve("etc"));
      Files.createSymbolicLink(image.path().resolve("etc/os-release"), outside);
      Files.createDirectories(image.path().resolve("usr/lib"));
    });
    assertEquals(Map.of(), store.show("evil").osRelease());
    store.createTree("linked", CreateOptions.DEFAULT, image -> {
      Files.createDirectories(image.path().resolve("etc"));
      Files.createDirectories(image.path().resolve("usr/lib"));
      Files.writeString(image.path().resolve("usr/lib/os-release"), "ID=inside\n");
      Files.createSymbolicLink(image.path().resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
    });
    assertEquals("inside", store.show("linked").osRelease().get("ID"));
  }

  @Test
  void rawImageIsListedWithItsBlocks() throws IOException {
    Image raw = store.createRaw("disk", CreateOptions.DEFAULT, Pools.raw("x".repeat(10000)));
    assertEquals(ImageType.RAW, raw.type());
    assertEquals(pools.pool.resolve("disk.raw"), raw.path());
    assertTrue(raw.usage().bytes() >= 10000, "usage " + raw.usage());
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(raw.path())));
    assertEquals(List.of("disk.raw"), pools.names());
  }

  @Test
  void settingsAreWrittenBesideTheImageNeverThroughAPlantedSymlink() throws IOException {
    store.createTree("web", CreateOptions.DEFAULT, Pools.tree("web"));
    Path sentinel = Files.writeString(pools.base.resolve("sentinel"), "root's own");
    Files.setPosixFilePermissions(sentinel, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(pools.pool.resolve("web.nspawn"), sentinel);
    store.writeSettings("web", "[Exec]\nBoot=yes\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("root's own", Files.readString(sentinel));
    assertFalse(Files.isSymbolicLink(pools.pool.resolve("web.nspawn")));
    assertEquals("[Exec]\nBoot=yes\n", Files.readString(pools.pool.resolve("web.nspawn")));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pools.pool.resolve("web.nspawn"))));
    assertEquals(List.of(), pools.temporaries());
  }

  @Test
  void cloneOfATreeCopiesItAndItsSettings() throws IOException {
    store.createTree("src", CreateOptions.DEFAULT, Pools.tree("src"));
    Files.writeString(pools.pool.resolve("src.nspawn"), "[Exec]\nBoot=yes\n");
    Files.writeString(pools.settings.resolve("src.nspawn"), "[Network]\nPrivate=yes\n");
    Image copy = store.clone("src", "dst", false);
    assertEquals(treeType(), copy.type());
    assertEquals("tool of src", Files.readString(pools.pool.resolve("dst/usr/bin/tool")));
    assertEquals("[Exec]\nBoot=yes\n", Files.readString(pools.pool.resolve("dst.nspawn")));
    assertEquals("[Network]\nPrivate=yes\n", Files.readString(pools.settings.resolve("dst.nspawn")));
    assertTrue(Files.exists(pools.pool.resolve("src/usr/bin/tool")));
    assertEquals(List.of(), pools.temporaries());
    Files.writeString(pools.pool.resolve("dst/usr/bin/tool"), "changed");
    assertEquals("tool of src", Files.readString(pools.pool.resolve("src/usr/bin/tool")), "a clone is a copy");
  }

  @Test
  void readOnlyCloneIsReadOnlyAsItsTypeMarksIt() throws IOException {
    store.createTree("src", CreateOptions.DEFAULT, Pools.tree("src"));
    Image copy = store.clone("src", "frozen", true);
    assertTrue(copy.readOnly());
    assertThrows(IOException.class, () -> Files.writeString(pools.pool.resolve("frozen/new"), "x"));
    if (treeType() == ImageType.DIRECTORY) {
      assertTrue(Pools.isImmutable(pools.pool.resolve("frozen")));
    }
  }

  @Test
  void cloneOfARawImageCopiesItsDataHolesAndVerityFiles() throws IOException {
    store.createRaw("disk", CreateOptions.DEFAULT, image -> {
      Fd file = Descriptors.of(image);
      byte[] data = "data".getBytes(StandardCharsets.UTF_8);
      file.pwriteFully(data, data.length, 0);
      file.truncate(64L << 20);
      file.pwriteFully(data, data.length, (64L << 20) - 4);
    });
    Files.writeString(pools.pool.resolve("disk.roothash"), "abc\n");
    Files.writeString(pools.pool.resolve("disk.verity"), "tree");
    Image copy = store.clone("disk", "disk2", true);
    assertEquals(ImageType.RAW, copy.type());
    assertTrue(copy.readOnly());
    Path copied = pools.pool.resolve("disk2.raw");
    assertEquals(64L << 20, Files.size(copied));
    assertTrue((long) Files.getAttribute(copied, "unix:size") > 0);
    assertTrue(copy.usage().bytes() < (8L << 20), "holes stay holes: " + copy.usage());
    assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(copied)));
    assertEquals("abc\n", Files.readString(pools.pool.resolve("disk2.roothash")));
    assertEquals("tree", Files.readString(pools.pool.resolve("disk2.verity")));
  }

  @Test
  void renameMovesTheImageAndItsCompanions() throws IOException {
    store.createTree("old", CreateOptions.DEFAULT, Pools.tree("t"));
    Files.writeString(pools.pool.resolve("old.nspawn"), "beside");
    Files.writeString(pools.settings.resolve("old.nspawn"), "host");
    store.rename("old", "new");
    assertEquals(List.of("new", "new.nspawn"), pools.names());
    assertEquals(List.of("new.nspawn"), Pools.names(pools.settings));
    assertEquals("host", Files.readString(pools.settings.resolve("new.nspawn")));
    assertTrue(pools.events.has(StoreEvent.Kind.RENAMED, "new"));
    fails(Reason.NOT_FOUND, () -> store.show("old"));
  }

  @Test
  void renameKeepsAReadOnlyImageReadOnly() throws IOException {
    store.createTree("ro", new CreateOptions(false, true), Pools.tree("t"));
    assertTrue(store.show("ro").readOnly());
    store.rename("ro", "ro2");
    assertTrue(store.show("ro2").readOnly());
    if (treeType() == ImageType.DIRECTORY) {
      assertTrue(Pools.isImmutable(pools.pool.resolve("ro2")), "made mutable for the rename and immutable again");
    }
  }

  @Test
  void renameOfARawImageMovesItsVerityFiles() throws IOException {
    store.createRaw("disk", CreateOptions.DEFAULT, Pools.raw("raw"));
    Files.writeString(pools.pool.resolve("disk.roothash"), "abc");
    Files.writeString(pools.pool.resolve("disk.usrhash"), "def");
    store.rename("disk", "other");
    assertEquals(List.of("other.raw", "other.roothash", "other.usrhash"), pools.names());
  }

  @Test
  void removeDeletesTheImageAndItsCompanions() throws IOException {
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("a"));
    store.createTree("b", new CreateOptions(false, true), Pools.tree("b"));
    store.createRaw("c", CreateOptions.DEFAULT, Pools.raw("c"));
    Files.writeString(pools.pool.resolve("a.nspawn"), "x");
    Files.writeString(pools.settings.resolve("b.nspawn"), "x");
    Files.writeString(pools.pool.resolve("c.roothash"), "x");
    Files.writeString(pools.pool.resolve("c.roothash.p7s"), "x");
    store.remove(List.of("a", "b", "c"));
    assertEquals(List.of(), pools.names());
    assertEquals(List.of(), Pools.names(pools.settings));
    assertTrue(pools.events.has(StoreEvent.Kind.REMOVED, "b"));
  }

  @Test
  void removeOfSeveralNamesRemovesNoneWhereOneIsMissingOrBusy() throws IOException {
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("a"));
    store.createRaw("b", CreateOptions.DEFAULT, Pools.raw("b"));
    fails(Reason.NOT_FOUND, () -> store.remove(List.of("a", "missing", "b")));
    assertEquals(List.of("a", "b.raw"), pools.names());
    try (ImageLease lease = store.lease("b", Access.READ)) {
      JimgException e = fails(Reason.BUSY, () -> store.remove(List.of("a", "b")));
      assertTrue(e.getMessage().contains("'b'"), e.getMessage());
      assertEquals(List.of("a", "b.raw"), pools.names().stream().filter(n -> !n.startsWith(".#")).toList());
    }
    store.remove(List.of("a", "b"));
    assertEquals(List.of(), pools.names());
  }

  @Test
  void readOnlyIsSetAndClearedPerType() throws IOException {
    store.createTree("t", CreateOptions.DEFAULT, Pools.tree("t"));
    store.createRaw("r", CreateOptions.DEFAULT, Pools.raw("r"));
    store.setReadOnly("t", true);
    store.setReadOnly("r", true);
    assertTrue(store.show("t").readOnly());
    assertTrue(store.show("r").readOnly());
    assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pools.pool.resolve("r.raw"))));
    assertThrows(IOException.class, () -> Files.writeString(pools.pool.resolve("t/new"), "x"));
    store.setReadOnly("t", false);
    store.setReadOnly("r", false);
    assertFalse(store.show("t").readOnly());
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pools.pool.resolve("r.raw"))),
        "writable restores 0200 only");
    Files.writeString(pools.pool.resolve("t/new"), "x");
  }

  @Test
  void limitsAreRefusedForTypesThatCannotHaveThem() throws IOException {
    store.createRaw("r", CreateOptions.DEFAULT, Pools.raw("r"));
    JimgException e = fails(Reason.USAGE, () -> store.setLimit("r", 1 << 20));
    assertTrue(e.getMessage().contains("raw"), e.getMessage());
    fails(Reason.USAGE, () -> store.setLimit("r", -5));
    fails(Reason.NOT_FOUND, () -> store.setLimit("missing", 1 << 20));
  }

  @Test
  void hiddenImagesAreListedOnlyWhenAskedAndCleanedFirst() throws IOException {
    store.createTree("visible", CreateOptions.DEFAULT, Pools.tree("v"));
    store.createTree(".hidden", CreateOptions.DEFAULT, Pools.tree("h"));
    store.createRaw(".hidden-raw", CreateOptions.DEFAULT, Pools.raw("h"));
    assertEquals(List.of("visible"), store.list(false).stream().map(Image::name).toList());
    List<Image> all = store.list(true);
    assertEquals(3, all.size());
    assertTrue(all.stream().filter(i -> i.name().startsWith(".")).allMatch(Image::hidden));
    CleanReport report = store.clean(false);
    assertEquals(List.of(".hidden", ".hidden-raw"), report.removed().stream().sorted().toList());
    assertEquals(List.of("visible"), pools.names());
  }

  @Test
  void cleanAllSkipsAndReportsImagesInUse() throws IOException {
    store.createTree("free", CreateOptions.DEFAULT, Pools.tree("f"));
    store.createTree("held", CreateOptions.DEFAULT, Pools.tree("h"));
    try (ImageLease lease = store.lease("held", Access.READ)) {
      assertEquals(pools.pool.resolve("held"), lease.path());
      try (var root = Descriptors.open(lease)) {
        assertTrue(root.stat().isDirectory());
      }
      CleanReport report = store.clean(true);
      assertEquals(List.of("free"), report.removed());
      assertEquals(List.of("held"), report.skippedBusy());
      assertTrue(pools.events.has(StoreEvent.Kind.SKIPPED_BUSY, "held"));
    }
    assertEquals(List.of("held"), pools.names());
  }

  @Test
  void leasesConflictAsNspawnsLocksDo() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    Path root = pools.pool.resolve("img");
    try (ImageLease reader = store.lease("img", Access.READ);
        ImageLease another = store.lease("img", Access.READ)) {
      assertTrue(Files.exists(pools.locks.resolve("inode-" + Files.getAttribute(root, "unix:dev") + ":"
          + Files.getAttribute(root, "unix:ino"))), "the inode lock is named as systemd names it");
      assertTrue(Files.exists(pools.pool.resolve(".#img.lck")));
      fails(Reason.BUSY, () -> store.lease("img", Access.WRITE));
      fails(Reason.BUSY, () -> store.rename("img", "other"));
      fails(Reason.BUSY, () -> store.setReadOnly("img", true));
    }
    try (ImageLease writer = store.lease("img", Access.WRITE)) {
      fails(Reason.BUSY, () -> store.lease("img", Access.READ));
    }
    store.rename("img", "other");
    assertEquals(List.of(), Pools.names(pools.locks), "exclusive holders unlink their lock files");
  }

  @Test
  void badNamesAreUsageErrors() throws IOException {
    store.createTree("ok", CreateOptions.DEFAULT, Pools.tree("ok"));
    for (String bad : List.of("../x", "a/b", "", ".", "..", "x".repeat(300), "tab\there", "nl\n", ".#temp")) {
      fails(Reason.USAGE, () -> store.show(bad));
      fails(Reason.USAGE, () -> store.clone("ok", bad, false));
      fails(Reason.USAGE, () -> store.rename("ok", bad));
      fails(Reason.USAGE, () -> store.remove(List.of(bad)));
      fails(Reason.USAGE, () -> store.setReadOnly(bad, true));
      fails(Reason.USAGE, () -> store.createTree(bad, CreateOptions.DEFAULT, Pools.tree("x")));
    }
    fails(Reason.USAGE, () -> store.createRaw("y".repeat(201), CreateOptions.DEFAULT, Pools.raw("x")));
    assertEquals(List.of("ok"), pools.names());
  }

  @Test
  void missingImagesAndTakenNamesAreReported() throws IOException {
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("a"));
    store.createRaw("b", CreateOptions.DEFAULT, Pools.raw("b"));
    fails(Reason.NOT_FOUND, () -> store.show("nope"));
    fails(Reason.NOT_FOUND, () -> store.clone("nope", "c", false));
    fails(Reason.NOT_FOUND, () -> store.rename("nope", "c"));
    fails(Reason.EXISTS, () -> store.clone("a", "b", false));
    fails(Reason.EXISTS, () -> store.rename("a", "b"));
    fails(Reason.EXISTS, () -> store.createTree("b", CreateOptions.DEFAULT, Pools.tree("x")));
    fails(Reason.EXISTS, () -> store.createRaw("a", CreateOptions.DEFAULT, Pools.raw("x")));
    Files.writeString(pools.pool.resolve("a.nspawn"), "mine");
    Files.writeString(pools.pool.resolve("c.nspawn"), "stray");
    fails(Reason.EXISTS, () -> store.rename("a", "c"));
    fails(Reason.EXISTS, () -> store.clone("a", "c", false));
    assertEquals(List.of("a", "a.nspawn", "b.raw", "c.nspawn"), pools.names());
  }

  @Test
  void aFailedCallIsOneLineNamingImagePathAndErrnoAndChangesNothing() throws IOException {
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("a"));
    Files.writeString(pools.pool.resolve("a.nspawn"), "x");
    io.jimg.btrfs.testing.Commands.run("chattr", "+i", pools.pool.toString());
    try {
      JimgException e = fails(Reason.FAILED, () -> store.rename("a", "b"));
      assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains(pools.pool.toString())
          && e.getMessage().contains("EPERM"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      fails(Reason.FAILED, () -> store.clone("a", "c", false));
      fails(Reason.FAILED, () -> store.remove(List.of("a")));
    } finally {
      io.jimg.btrfs.testing.Commands.run("chattr", "-i", pools.pool.toString());
    }
    assertEquals(List.of("a", "a.nspawn"), pools.names());
  }

  @Test
  void noOperationLeaksADescriptor() throws IOException {
    store.createTree("warm", CreateOptions.DEFAULT, Pools.tree("w")); // loads the native layer first
    long before = Pools.names(Path.of("/proc/self/fd")).size();
    store.createTree("a", CreateOptions.DEFAULT, Pools.tree("a"));
    store.createRaw("r", new CreateOptions(false, true), Pools.raw("r"));
    Files.writeString(pools.settings.resolve("a.nspawn"), "x");
    store.clone("a", "b", true);
    store.clone("r", "r2", false);
    store.rename("b", "c");
    store.setReadOnly("c", false);
    store.list(true);
    store.show("c");
    try (ImageLease lease = store.lease("c", Access.READ); var root = Descriptors.open(lease)) {
      fails(Reason.BUSY, () -> store.remove(List.of("a", "c")));
    }
    fails(Reason.NOT_FOUND, () -> store.rename("missing", "x"));
    fails(Reason.EXISTS, () -> store.clone("a", "c", false));
    try (Scratch scratch = store.scratch()) {
      Descriptors.pool(scratch).mkdir(scratch.name(), 0700);
    }
    store.remove(List.of("a", "c", "r", "r2"));
    store.clean(true);
    assertEquals(before, Pools.names(Path.of("/proc/self/fd")).size());
  }

  @Test
  void forcedCreateReplacesAnImageAtomically() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("first"));
    store.createTree("img", new CreateOptions(true, false), Pools.tree("second"));
    assertEquals("second", store.show("img").osRelease().get("ID"));
    store.createTree("img", new CreateOptions(true, true), Pools.tree("third"));
    assertTrue(store.show("img").readOnly());
    store.createTree("img", new CreateOptions(true, true), Pools.tree("fourth"));
    assertEquals("fourth", store.show("img").osRelease().get("ID"));
    assertTrue(store.show("img").readOnly());
    store.createRaw("img", new CreateOptions(true, false), Pools.raw("raw now"));
    assertEquals(ImageType.RAW, store.show("img").type());
    assertEquals(List.of("img.raw"), pools.names());
  }

  @Test
  void forcedCloneReplacesAnImageAtomicallyOrLeavesItWhole() throws IOException {
    store.createTree("src", CreateOptions.DEFAULT, Pools.tree("new"));
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("old"));
    Files.writeString(pools.pool.resolve("src.nspawn"), "[Exec]\nBoot=yes\n");
    Files.writeString(pools.pool.resolve("img.nspawn"), "[Exec]\nBoot=no\n");
    fails(Reason.EXISTS, () -> store.clone("src", "img", false));
    try (ImageLease running = store.lease("img", Access.WRITE)) {
      fails(Reason.BUSY, () -> store.clone("src", "img", new CreateOptions(true, false)));
    }
    assertEquals("old", store.show("img").osRelease().get("ID"), "a failed replacement leaves the old image");
    assertEquals("[Exec]\nBoot=no\n", Files.readString(pools.pool.resolve("img.nspawn")));
    fails(Reason.USAGE, () -> store.clone("img", "img", new CreateOptions(true, false)));

    Image replaced = store.clone("src", "img", new CreateOptions(true, true));
    assertEquals("new", replaced.osRelease().get("ID"));
    assertTrue(replaced.readOnly());
    assertEquals("[Exec]\nBoot=yes\n", Files.readString(pools.pool.resolve("img.nspawn")));
    assertEquals(List.of("img", "img.nspawn", "img.origin", "src", "src.nspawn"), pools.names(),
        "the old image went whole");
    store.clone("src", "img", new CreateOptions(true, false));
    assertFalse(store.show("img").readOnly(), "a read-only image is replaced too");
  }

  @Test
  void otherToolsTemporariesAndLocksAreNeverTouched() throws IOException {
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    Files.writeString(pools.pool.resolve(".#other.lck"), "");
    Files.createDirectory(pools.pool.resolve(".#tar0123456789abcdef"));
    Files.writeString(pools.pool.resolve(".#jimg-notours"), "");
    store.clean(true);
    assertEquals(List.of(".#jimg-notours", ".#other.lck", ".#tar0123456789abcdef"), pools.names());
  }

  @Test
  void topLevelSymlinksAreImagesActedOnAsLinks() throws IOException {
    Path elsewhere = Files.createDirectories(pools.base.resolve("elsewhere/root/etc"));
    Files.writeString(elsewhere.resolve("os-release"), "ID=linked\n");
    Files.createDirectories(pools.pool);
    Files.createSymbolicLink(pools.pool.resolve("link"), pools.base.resolve("elsewhere/root"));
    Image image = store.show("link");
    assertEquals(ImageType.DIRECTORY, image.type());
    assertEquals("linked", image.osRelease().get("ID"));
    store.rename("link", "link2");
    assertTrue(Files.isSymbolicLink(pools.pool.resolve("link2")));
    store.remove(List.of("link2"));
    assertEquals(List.of(), pools.names());
    assertTrue(Files.exists(elsewhere.resolve("os-release")), "removing a link leaves its target");
  }

  @Test
  void vendorImagesAreNeverRemovedRenamedLimitedOrMadeWritable() throws IOException {
    Path vendor = Files.createDirectories(pools.base.resolve("usr-lib-machines"));
    Files.createDirectories(vendor.resolve("shipped/etc"));
    ImageStore withVendor = pools.builder().searchPath(List.of(pools.pool, vendor)).writablePool(pools.pool)
        .vendorRoots(List.of(vendor)).build();
    Image shipped = withVendor.show("shipped");
    assertTrue(shipped.vendor());
    assertTrue(shipped.readOnly());
    fails(Reason.FAILED, () -> withVendor.remove(List.of("shipped")));
    fails(Reason.FAILED, () -> withVendor.rename("shipped", "mine"));
    fails(Reason.FAILED, () -> withVendor.setReadOnly("shipped", false));
    fails(Reason.FAILED, () -> withVendor.setLimit("shipped", 1 << 20));
    assertEquals(List.of(), withVendor.clean(true).removed());
    withVendor.clone("shipped", "mine", false);
    assertFalse(withVendor.show("mine").vendor());
    assertTrue(Files.isDirectory(vendor.resolve("shipped")));
  }

  @Test
  void firstNameAlongTheSearchPathWins() throws IOException {
    Path second = Files.createDirectories(pools.base.resolve("second"));
    Files.createDirectories(second.resolve("dup"));
    Files.createDirectories(second.resolve("only-second"));
    store.createRaw("dup", CreateOptions.DEFAULT, Pools.raw("first"));
    ImageStore both = pools.builder().searchPath(List.of(pools.pool, second)).writablePool(pools.pool).build();
    List<Image> images = both.list(false);
    assertEquals(List.of("dup", "only-second"), images.stream().map(Image::name).toList());
    assertEquals(ImageType.RAW, images.get(0).type());
  }
}
