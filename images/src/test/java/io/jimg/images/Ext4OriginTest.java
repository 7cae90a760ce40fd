package io.jimg.images;

import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Origin records on ext4, where a tree is a directory and a clone a copy. */
class Ext4OriginTest extends OriginContract {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(256L << 20);

  @Override
  Path filesystemRoot() {
    return EXT4.root();
  }
}
