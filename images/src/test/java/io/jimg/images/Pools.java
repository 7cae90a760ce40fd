package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileFlags;
import io.jimg.btrfs.testing.Commands;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A fresh pool, settings and lock directory per test on a given filesystem, and ways to look into them. */
final class Pools {
  final Path base;
  final Path pool;
  final Path settings;
  final Path locks;
  final RecordingListener events = new RecordingListener();
  final ImageStore store;

  Pools(Path filesystemRoot) throws IOException {
    base = Files.createTempDirectory(filesystemRoot, "store-");
    pool = base.resolve("machines");
    settings = Files.createDirectories(base.resolve("nspawn"));
    locks = base.resolve("locks");
    store = builder().build();
  }

  ImageStore.Builder builder() {
    return ImageStore.builder().imageRoot(pool).settingsDirectory(settings).lockDirectory(locks).listener(events);
  }

  /** A filler writing an os-release and a few files, one of them in a subdirectory. */
  static TreeFiller tree(String id) {
    return image -> {
      Files.createDirectories(image.path().resolve("etc"));
      Files.writeString(image.path().resolve("etc/os-release"), "ID=" + id + "\nPRETTY_NAME=\"Test " + id + "\"\n");
      Files.createDirectories(image.path().resolve("usr/bin"));
      Files.writeString(image.path().resolve("usr/bin/tool"), "tool of " + id);
    };
  }

  static RawFiller raw(String content) {
    return image -> {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      Descriptors.of(image).pwriteFully(bytes, bytes.length, 0);
    };
  }

  /** Names in the pool, sorted. */
  List<String> names() throws IOException {
    return names(pool);
  }

  static List<String> names(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(directory)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** jimg's own leftovers in the pool. */
  List<String> temporaries() throws IOException {
    List<String> left = new ArrayList<>();
    for (String name : names()) {
      if (name.startsWith(".#jimg-")) {
        left.add(name);
      }
    }
    return left;
  }

  static boolean isImmutable(Path directory) {
    try (Fd fd = Fd.openDirectory(directory)) {
      return (FileFlags.get(fd) & FileFlags.IMMUTABLE) != 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Clears what tests made immutable or read-only, so the loop filesystem can be reused and unmounted. */
  void release() {
    Commands.exec("chattr", "-R", "-i", base.toString());
  }
}
