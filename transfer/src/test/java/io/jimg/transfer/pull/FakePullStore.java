package io.jimg.transfer.pull;

import io.jimg.images.CreateOptions;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A pool of plain directories standing in for the image store: tar images are unpacked by GNU tar, raw ones
 * copied, copies are {@code cp -a}. It records what it unpacked so that tests can tell a cache hit.
 */
final class FakePullStore implements PullStore {
  final Path pool;
  final AtomicInteger unpacks = new AtomicInteger();
  final List<String> unpacked = new ArrayList<>();

  FakePullStore(Path pool) {
    this.pool = pool;
  }

  @Override
  public Path pool() {
    return pool;
  }

  @Override
  public synchronized boolean exists(String name) {
    return Files.exists(pool.resolve(name)) || Files.exists(pool.resolve(name + ".raw"));
  }

  Path image(String name) {
    return Files.exists(pool.resolve(name + ".raw")) ? pool.resolve(name + ".raw") : pool.resolve(name);
  }

  @Override
  public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) throws IOException {
    if (!options.force() && exists(name)) {
      throw new JimgException(JimgException.Reason.EXISTS, "image " + name + " already exists");
    }
    Path input = pool.resolve(".#fake-input-" + System.nanoTime());
    try (InputStream in = Channels.newInputStream(verified)) {
      Files.copy(in, input);
    }
    try {
      if (format == ImageFormat.RAW) {
        Files.move(input, pool.resolve(name + ".raw"), StandardCopyOption.REPLACE_EXISTING);
      } else {
        Path root = pool.resolve(".#fake-root-" + System.nanoTime());
        Files.createDirectory(root);
        run("tar", "-xf", input.toString(), "-C", root.toString());
        remove(name);
        Files.move(root, pool.resolve(name));
      }
    } finally {
      Files.deleteIfExists(input);
    }
    synchronized (this) {
      unpacks.incrementAndGet();
      unpacked.add(name);
    }
  }

  @Override
  public void copy(String source, String target, boolean readOnly, boolean force) throws IOException {
    if (!force && exists(target)) {
      throw new JimgException(JimgException.Reason.EXISTS, "image " + target + " already exists");
    }
    remove(target);
    Path from = image(source);
    Path to = pool.resolve(from.getFileName().toString().endsWith(".raw") ? target + ".raw" : target);
    run("cp", "-a", from.toString(), to.toString());
  }

  @Override
  public void remove(String name) throws IOException {
    for (Path path : List.of(pool.resolve(name), pool.resolve(name + ".raw"))) {
      if (Files.exists(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  @Override
  public void writeSettings(String name, byte[] settings) throws IOException {
    Files.write(pool.resolve(name + ".nspawn"), settings);
  }

  @Override
  public long size(String name) throws IOException {
    long total = 0;
    try (Stream<Path> walk = Files.walk(image(name))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
    }
    return total;
  }

  static void run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + new String(output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
