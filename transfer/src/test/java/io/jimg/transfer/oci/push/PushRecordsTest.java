package io.jimg.transfer.oci.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.Access;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.images.spi.Descriptors;
import io.jimg.transfer.Importer;
import io.jimg.transfer.TestStores;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pushed layer's record holds only for the tree it was made of: a change to the subvolume, committed or not, ends
 * it; a file that is no record a push wrote (garbage, a symlink) is no record; a failed push puts back what it
 * replaced; reading the tree's symlinks after {@link PushRecords#settle} moves nothing.
 */
class PushRecordsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Digest DIFF_ID = Digest.of("tar".getBytes(StandardCharsets.UTF_8));
  private static final Descriptor BLOB = Descriptor.of(MediaTypes.OCI_LAYER_GZIP,
      "gzip".getBytes(StandardCharsets.UTF_8));
  private Path pool;
  private ImageStore store;
  private String name;

  @BeforeEach
  void image() throws Exception {
    pool = Files.createDirectories(BTRFS.root().resolve("pool-" + COUNTER.incrementAndGet()));
    store = TestStores.on(pool).build();
    Path tree = Files.createDirectories(BTRFS.root().resolve("tree-" + COUNTER.get()));
    Files.writeString(tree.resolve("file"), "contents\n");
    Files.createSymbolicLink(tree.resolve("link"), Path.of("file"));
    name = "image";
    Importer.builder(store).build().importFs(tree, name);
  }

  /** The records of the image as a push opens them now. */
  private PushRecords records() throws Exception {
    try (ImageLease lease = store.lease(name, Access.READ); Fd root = Descriptors.open(lease)) {
      assertEquals(ImageType.SUBVOLUME, lease.image().type());
      return PushRecords.of(pool, root, lease.image().type(), Compression.GZIP);
    }
  }

  private Path recordFile() throws Exception {
    try (Fd root = Fd.openDirectory(pool.resolve(name))) {
      return pool.resolve(PushRecords.PREFIX + Subvolume.info(root).uuid() + "-gzip");
    }
  }

  @Test
  void aRecordHoldsUntilTheTreeChangesEvenBeforeTheChangeIsCommitted() throws Exception {
    records().remember(DIFF_ID, BLOB, "registry.example/team/app");
    PushRecords.Known known = records().find().orElseThrow();
    assertEquals(new PushRecords.Known(DIFF_ID, BLOB, List.of("registry.example/team/app")), known);

    Files.writeString(pool.resolve(name).resolve("file"), "changed\n"); // in the page cache, no commit yet
    assertTrue(records().find().isEmpty(), "the sync before the generation is read counts the change");
  }

  @Test
  void placesGatherLatestFirstAndStayBounded() throws Exception {
    for (int i = 0; i < PushRecords.PLACES_MAX + 2; i++) {
      records().remember(DIFF_ID, BLOB, "registry.example/repo-" + i);
    }
    List<String> places = records().find().orElseThrow().places();
    assertEquals(PushRecords.PLACES_MAX, places.size());
    assertEquals("registry.example/repo-" + (PushRecords.PLACES_MAX + 1), places.get(0));
  }

  @Test
  void garbageOrASymlinkAtTheRecordsNameIsNoRecord() throws Exception {
    records().remember(DIFF_ID, BLOB, null);
    Path record = recordFile();
    byte[] valid = Files.readAllBytes(record);
    Files.writeString(record, "generation=this is not a record\nblob=sha256:zz\n");
    assertTrue(records().find().isEmpty());

    Path elsewhere = BTRFS.root().resolve("planted-" + COUNTER.get());
    Files.write(elsewhere, valid);
    Files.delete(record);
    Files.createSymbolicLink(record, elsewhere);
    assertTrue(records().find().isEmpty(), "a symlink is never followed");
    records().remember(DIFF_ID, BLOB, null);
    assertFalse(Files.isSymbolicLink(record), "the name is replaced, not what it points to");
    assertArrayEquals(valid, Files.readAllBytes(elsewhere));
  }

  @Test
  void undoPutsBackWhatThePushReplacedOrRemovesWhatItAdded() throws Exception {
    PushRecords first = records();
    first.remember(DIFF_ID, BLOB, null);
    first.undo();
    assertFalse(Files.exists(recordFile()), "nothing was there before");

    records().remember(DIFF_ID, BLOB, "registry.example/kept");
    byte[] before = Files.readAllBytes(recordFile());
    PushRecords failing = records();
    failing.remember(Digest.of(new byte[1]), BLOB, "registry.example/failed");
    failing.undo();
    assertArrayEquals(before, Files.readAllBytes(recordFile()));
  }

  @Test
  void theRecordsOfRemovedImagesGoWhenAnotherImageGetsItsFirst() throws Exception {
    records().remember(DIFF_ID, BLOB, null);
    Path removedImagesRecord = recordFile();
    Path foreign = pool.resolve(PushRecords.PREFIX + "not-jimg's");
    Files.writeString(foreign, "kept: no record name a push gives\n");
    store.remove(List.of(name));
    Importer.builder(store).build().importFs(pool.getParent().resolve("tree-" + COUNTER.get()), "next");
    name = "next";
    records().remember(DIFF_ID, BLOB, null);
    assertFalse(Files.exists(removedImagesRecord), "the removed image's record went");
    assertTrue(Files.exists(recordFile()), "the new image's stays");
    assertTrue(Files.exists(foreign), "a name no push gives is left alone");
    assertTrue(records().find().isPresent());
  }

  @Test
  void aDirectoryImageGetsNoRecord() throws Exception {
    try (Fd root = Fd.openDirectory(pool.resolve(name))) {
      PushRecords records = PushRecords.of(pool, root, ImageType.DIRECTORY, Compression.GZIP);
      records.remember(DIFF_ID, BLOB, null);
      assertTrue(records.find().isEmpty());
    }
    assertFalse(Files.exists(recordFile()));
  }

  @Test
  void aReadlinkMovesTheGenerationUnlessTheTreeWasSettledFirst() throws Exception {
    Path link = pool.resolve(name).resolve("link");
    // An access time long before the link's change: relatime sets it at the next readlink, whatever opens it.
    Commands.run("touch", "-h", "-a", "-d", "@0", link.toString());
    PushRecords unsettled = records();
    unsettled.remember(DIFF_ID, BLOB, null);
    Files.readSymbolicLink(link);
    assertTrue(records().find().isEmpty(), "the readlink set the access time, a change the generation counts");

    Commands.run("touch", "-h", "-a", "-d", "@0", link.toString());
    PushRecords settled = records();
    try (ImageLease lease = store.lease(name, Access.READ); Fd root = Descriptors.open(lease)) {
      settled.settle(root);
    }
    settled.remember(DIFF_ID, BLOB, null);
    Files.readSymbolicLink(link);
    assertTrue(records().find().isPresent(), "settled: the readlink changed nothing more");
  }
}
