package io.jimg.runtime;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.Mounts;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.Trees;
import io.jimg.btrfs.testing.Commands;
import io.jimg.images.Access;
import io.jimg.images.Batch;
import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
import io.jimg.images.Scratch;
import io.jimg.images.spi.Descriptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A pool over one directory, standing in for the image store: images are its directories and subvolumes, scratch
 * names are {@code .#jimg-…}, and it takes no locks. It records what it was asked so tests can check.
 */
final class FakePool implements Pool {
  final Path directory;
  /** Where scratch names go: the images' directory, or a writable pool elsewhere as for vendor images. */
  Path scratchDirectory;
  final List<String> cloned = new ArrayList<>();
  final List<Access> leaseKinds = new ArrayList<>();
  int openLeases;

  FakePool(Path directory) {
    this.directory = directory;
    this.scratchDirectory = directory;
  }

  /** Puts a copy of {@code source} in the pool as {@code name}: a subvolume on btrfs where asked, else a directory. */
  Path add(String name, Path source, boolean subvolume) {
    Path image = directory.resolve(name);
    try (Fd pool = Fd.openDirectory(directory)) {
      if (subvolume) {
        Subvolume.create(pool, FileNames.bytes(name));
      } else {
        Files.createDirectory(image);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Commands.run("cp", "-a", "--reflink=auto", source + "/.", image.toString());
    return image;
  }

  @Override
  public ImageLease lease(String name, Access access) throws IOException {
    Image image = show(name);
    openLeases++;
    leaseKinds.add(access);
    return new Descriptors.KernelLease() {
      boolean closed;

      @Override
      public Image image() {
        return image;
      }

      @Override
      public Fd open() {
        try {
          return image.type() == ImageType.RAW ? Fd.open(image.path(), Linux.O_RDONLY)
              : Fd.openDirectory(image.path());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public Path path() {
        return image.path();
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          openLeases--;
        }
      }
    };
  }

  @Override
  public Scratch scratch() throws IOException {
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    String name = ".#jimg-" + HexFormat.of().formatHex(random);
    Path directory = scratchDirectory;
    Fd pool = Fd.openDirectory(directory);
    return new Descriptors.KernelScratch() {
      @Override
      public Fd pool() {
        return pool;
      }

      @Override
      public byte[] name() {
        return FileNames.bytes(name);
      }

      @Override
      public Path path() {
        return directory.resolve(name);
      }

      @Override
      public void close() {
        try {
          removeTree(directory.resolve(name));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          pool.close();
        }
      }
    };
  }

  /** A real batch of the store, over the scratch directory as its writable pool. */
  @Override
  public Batch batch() throws IOException {
    return store(scratchDirectory).batch();
  }

  /** The image store over {@code pool}, as the next jimg command would see it. */
  static ImageStore store(Path pool) throws IOException {
    return ImageStore.builder().imageRoot(pool).settingsDirectory(null).lockDirectory(lockDirectory()).build();
  }

  private static final String LOCK_DIRECTORY_PROPERTY = "jimg.test.locks";

  /**
   * Where the tests' stores keep their image locks, in this process and in its children alike: neither the host's
   * {@code /run/systemd/nspawn/locks}, which its own containers use, nor a directory another test JVM on the machine
   * shares (another suite's images of the same name would be locked there): one per test JVM, named by its pid,
   * and handed to a child JVM by {@link #lockDirectoryOption}.
   */
  static Path lockDirectory() throws IOException {
    String given = System.getProperty(LOCK_DIRECTORY_PROPERTY);
    return Files.createDirectories(given != null ? Path.of(given)
        : Path.of(System.getProperty("java.io.tmpdir"), "jimg-test-locks-" + ProcessHandle.current().pid()));
  }

  /** The JVM option that gives a child JVM this process's {@link #lockDirectory}. */
  static String lockDirectoryOption() throws IOException {
    return "-D" + LOCK_DIRECTORY_PROPERTY + "=" + lockDirectory();
  }

  static void removeTree(Path path) throws IOException {
    try (Fd parent = Fd.openDirectory(path.getParent())) {
      byte[] name = FileNames.bytes(path.getFileName().toString());
      Mounts.unmount(parent, name);
      if (parent.statIfExists(name) != null) {
        Trees.remove(parent, name);
      }
    }
  }

  @Override
  public Image show(String name) throws IOException {
    Path path = directory.resolve(name);
    if (Files.isRegularFile(directory.resolve(name + ".raw"))) {
      return new Image(name, ImageType.RAW, directory.resolve(name + ".raw"), false, false, false, Instant.EPOCH,
          Instant.EPOCH, null, Map.of());
    }
    if (!Files.isDirectory(path)) {
      throw new JimgException(JimgException.Reason.NOT_FOUND, "jimg: no image " + name);
    }
    ImageType type;
    try (Fd fd = Fd.openDirectory(path)) {
      type = Btrfs.isSubvolume(fd) ? ImageType.SUBVOLUME : ImageType.DIRECTORY;
    }
    return new Image(name, type, path, false, false, false, Instant.EPOCH, Instant.EPOCH, null, Map.of());
  }

  @Override
  public Image clone(String source, String target, boolean readOnly) throws IOException {
    Image image = show(source);
    if (Files.exists(directory.resolve(target))) {
      throw new JimgException(JimgException.Reason.EXISTS, "jimg: image " + target + " exists");
    }
    cloned.add(target);
    try (Fd pool = Fd.openDirectory(directory); Fd from = Fd.openDirectory(image.path())) {
      if (image.type() == ImageType.SUBVOLUME) {
        Subvolume.snapshot(from, pool, FileNames.bytes(target), ReadOnly.of(readOnly));
      } else {
        Commands.run("cp", "-a", "--reflink=auto", image.path().toString(), directory.resolve(target).toString());
      }
    }
    return show(target);
  }

  @Override
  public void remove(List<String> names) throws IOException {
    for (String name : names) {
      removeTree(directory.resolve(name));
    }
  }

  @Override
  public Path writablePool() {
    return scratchDirectory;
  }

  /** The scratch names left in the pool. */
  List<String> scratchNames() throws IOException {
    try (var entries = Files.list(scratchDirectory)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".#jimg-")).sorted().toList();
    }
  }

}
