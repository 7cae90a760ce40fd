package io.jimg.transfer;

import io.jimg.images.ImageStore;
import java.nio.file.Path;

/** A separate process for the kill test: imports a tar from a path (a FIFO the test feeds) into a store. */
public final class ImportChild {
  private ImportChild() {}

  public static void main(String[] args) throws Exception {
    ImageStore store = TestStores.on(Path.of(args[0])).build();
    Importer.builder(store).build().importTar(Path.of(args[1]), args[2]);
  }
}
