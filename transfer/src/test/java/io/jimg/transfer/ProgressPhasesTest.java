package io.jimg.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.ImageStore;
import io.jimg.images.Progress;
import io.jimg.images.StoreEvent;
import io.jimg.images.StoreListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the progress says once the bytes alone would mislead: an import that has read its archive is still writing,
 * then flushing; an export knows its share done where the store knows the image's usage.
 */
class ProgressPhasesTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static Path tarball;

  @BeforeAll
  static void archive() {
    Path source = BTRFS.root().resolve("source");
    TestTrees.make(source);
    TestTrees.bash("head -c 4M /dev/urandom > " + source + "/data");
    tarball = BTRFS.root().resolve("tree.tar");
    TestTrees.bash("tar -C " + source + " --xattrs -cf " + tarball + " .");
  }

  /** Keeps what an operation reported. */
  static final class Heard implements StoreListener {
    final List<Progress> progress = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void event(StoreEvent event) {}

    @Override
    public void progress(Progress reported) {
      progress.add(reported);
    }
  }

  @Test
  void anImportSaysItIsWritingThenFlushingAfterItsArchiveIsRead() throws IOException {
    ImageStore store = TestStores.on(Files.createDirectories(BTRFS.root().resolve("import-pool"))).build();
    Heard heard = new Heard();

    Importer.builder(store).listener(heard).build().importTar(tarball, "tree");

    List<Progress> seen = List.copyOf(heard.progress);
    int last = seen.size() - 1;
    assertEquals(Progress.FLUSHING, seen.get(last).phase(), seen.toString());
    assertEquals(Progress.WRITING, seen.get(last - 1).phase(), seen.toString());
    assertEquals(Files.size(tarball), seen.get(last).bytesDone());
    seen.subList(0, last - 1).forEach(progress -> assertNull(progress.phase(), seen.toString()));
  }

  @Test
  void anExportCountsAgainstTheImagesUsageWhereTheStoreKnowsIt() throws IOException {
    Path pool = Files.createDirectories(BTRFS.root().resolve("export-pool"));
    ImageStore store = TestStores.on(pool).build();
    Importer.builder(store).build().importTar(tarball, "counted");
    Importer.builder(store).build().importTar(tarball, "uncounted");
    store.setLimit("counted", 1L << 30); // quotas on: the store knows the images' usage from here on
    Heard counted = new Heard();

    Exporter.builder(store).listener(counted).build().exportTar("counted", pool.resolveSibling("counted.tar"));

    Progress end = counted.progress.get(counted.progress.size() - 1);
    assertTrue(end.bytesDone() > 4 << 20, end.toString());
    assertEquals(end.bytesDone(), end.bytesTotal(), "the end is 100 %");
    counted.progress.subList(0, counted.progress.size() - 1).forEach(progress ->
        assertTrue(progress.bytesTotal() > progress.bytesDone(), "below 100 % until the end: " + progress));
  }
}
