package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store off btrfs: trees are directories, clones are faithful copies, read-only is the immutable flag. */
class Ext4StoreTest extends StoreContract {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(256L << 20);

  @Override
  Path filesystemRoot() {
    return EXT4.root();
  }

  @Override
  ImageType treeType() {
    return ImageType.DIRECTORY;
  }

  @Test
  void thePoolCannotBeLimitedOffBtrfs() throws IOException {
    store.createTree("t", CreateOptions.DEFAULT, Pools.tree("t"));
    JimgException e = assertThrowsUsage(() -> store.setLimit(null, 1 << 20));
    assertEquals(JimgException.Reason.USAGE, e.reason());
    assertThrowsUsage(() -> store.setLimit("t", 1 << 20));
  }

  private static JimgException assertThrowsUsage(org.junit.jupiter.api.function.Executable call) {
    return fails(JimgException.Reason.USAGE, call);
  }
}
