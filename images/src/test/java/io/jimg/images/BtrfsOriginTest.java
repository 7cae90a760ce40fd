package io.jimg.images;

import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Origin records on btrfs, where a tree is a subvolume and a clone a snapshot. */
class BtrfsOriginTest extends OriginContract {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Override
  Path filesystemRoot() {
    return BTRFS.root();
  }
}
