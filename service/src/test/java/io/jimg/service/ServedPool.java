package io.jimg.service;

import io.jimg.images.Image;
import io.jimg.library.ImportRequest;
import io.jimg.library.Jimg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** jimg's service in the test's process, over a pool in a directory of the test (on a loop filesystem of its own). */
final class ServedPool implements AutoCloseable {
  static final ServiceInfo INFO = new ServiceInfo("jimg", "jimg served pool", "0-test", "");

  final Path base;
  final Path pool;
  final Path socket;
  final String address;
  final RecordingLog log = new RecordingLog();
  final Jimg root;
  private final Jimgd jimgd;

  ServedPool(Path base) throws Exception {
    this.base = base;
    this.pool = base.resolve("machines");
    this.socket = base.resolve("run/io.jimg");
    this.address = "unix:" + socket;
    ServiceEvents events = new ServiceEvents(log);
    root = Jimg.builder().imageRoot(pool).imageLockDirectory(base.resolve("locks"))
        .pullLockDirectory(base.resolve("pull-locks")).keyringRoot(base.resolve("keys")).listener(events).build();
    jimgd = Jimgd.start(Jimgd.service(INFO, root, events), root, log, Map.of(), socket);
  }

  /** A new image {@code name} of a small tree whose os-release says {@code ID=debian}. */
  Image image(String name) throws Exception {
    Path tree = Files.createDirectories(base.resolve("trees/" + name + "/etc"));
    Files.writeString(tree.resolve("os-release"), "ID=debian\nVERSION_ID=12\n");
    return root.transfers().importFs(tree.getParent(), name, ImportRequest.DEFAULTS).await();
  }

  /** The pool's entries, hidden ones (temporaries, ephemeral roots, downloads) included, sorted. */
  List<String> entries() throws IOException {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public void close() {
    jimgd.close();
  }
}
