package io.jimg.transfer.pull;

import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stands in for the tar and raw importers until they are merged: the real store creates and publishes the
 * image, GNU tar fills a tree from a copy of the verified file, a raw image is copied byte for byte.
 */
final class StandInUnpacker implements Unpacker {
  private final ImageStore store;
  private final Path work;

  StandInUnpacker(ImageStore store, Path work) {
    this.store = store;
    this.work = work;
  }

  @Override
  public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) throws IOException {
    if (format == ImageFormat.RAW) {
      store.createRaw(name, options, (file, path) -> {
        byte[] buffer = new byte[1 << 16];
        long position = 0;
        try (InputStream in = Channels.newInputStream(verified)) {
          for (int n; (n = in.read(buffer)) > 0; position += n) {
            file.pwriteFully(buffer, n, position);
          }
        }
      });
      return;
    }
    Path copy = Files.createTempFile(work, "unpack-", ".tar");
    try {
      try (InputStream in = Channels.newInputStream(verified)) {
        Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      store.createTree(name, options, (root, path) -> FakePullStore.run("tar", "-xf", copy.toString(), "-C", path.toString()));
    } finally {
      Files.deleteIfExists(copy);
    }
  }
}
