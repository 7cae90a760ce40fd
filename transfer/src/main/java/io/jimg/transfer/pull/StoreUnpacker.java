package io.jimg.transfer.pull;

import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Locale;

/**
 * Unpacks into the store through its create calls, so that an image is published only when complete. A raw image
 * is copied block by block from the verified file. Tarballs and compressed raw images go to the tar/raw importer,
 * which this build does not have yet: until it is merged they are refused with a message saying so.
 */
public final class StoreUnpacker implements Unpacker {
  private static final int BLOCK = 1 << 20;

  private final ImageStore store;
  private final String fileName;

  /** {@code fileName} is the downloaded file's name, whose suffix tells its compression. */
  public StoreUnpacker(ImageStore store, String fileName) {
    this.store = store;
    this.fileName = fileName.toLowerCase(Locale.ROOT);
  }

  @Override
  public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) throws IOException {
    if (format == ImageFormat.RAW && fileName.endsWith(".raw")) {
      store.createRaw(name, options, (file, path) -> {
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        for (long position = 0; ; ) {
          block.clear();
          int n = verified.read(block, position);
          if (n <= 0) {
            return;
          }
          file.pwriteFully(block.array(), n, position);
          position += n;
        }
      });
      return;
    }
    throw new JimgException(JimgException.Reason.FAILED, "cannot unpack " + fileName
        + ": this build has no " + (format == ImageFormat.TAR ? "tar" : "compressed raw") + " importer yet");
  }
}
