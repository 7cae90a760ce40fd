package io.jimg.btrfs.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real filesystem of one kind, made fresh in a sparse image file and loop-mounted on a mount point of its own:
 * <pre>
 * {@literal @}RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();   // one per class
 * {@literal @}RegisterExtension final LoopFilesystem scratch = LoopFilesystem.xfs().size(512L &lt;&lt; 20); // one per test
 * </pre>
 * Image and mount point are unique per instance, so parallel runs never collide. Needs root, mkfs and mount;
 * without them the test is skipped, or fails under {@code CI=true} (see {@link Requirements}).
 */
public final class LoopFilesystem implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** The kinds of filesystem a test can ask for. */
  public enum Type {
    BTRFS, EXT4, XFS, TMPFS;

    /** The name mount and /proc/filesystems use. */
    public String fsName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Big enough for every kind (xfs wants 300 MiB); sparse, so it costs only what is written. */
  public static final long DEFAULT_SIZE = 1L << 30;

  private final Type type;
  private final long size;

  private Path directory;
  private Path root;
  /** How many nested class contexts (a {@code @Nested} class inherits a static extension) entered this mount. */
  private int classDepth;
  private boolean mountedForOneTest;
  /** Detaches the mount should the JVM be stopped (a timeout, ^C) before the extension's callbacks run. */
  private Thread onExit;

  private LoopFilesystem(Type type, long size) {
    this.type = type;
    this.size = size;
  }

  public static LoopFilesystem btrfs() {
    return new LoopFilesystem(Type.BTRFS, DEFAULT_SIZE);
  }

  public static LoopFilesystem ext4() {
    return new LoopFilesystem(Type.EXT4, DEFAULT_SIZE);
  }

  /** xfs with reflink, so that FICLONE works as on btrfs. */
  public static LoopFilesystem xfs() {
    return new LoopFilesystem(Type.XFS, DEFAULT_SIZE);
  }

  public static LoopFilesystem tmpfs() {
    return new LoopFilesystem(Type.TMPFS, DEFAULT_SIZE);
  }

  public static LoopFilesystem of(Type type) {
    return new LoopFilesystem(type, DEFAULT_SIZE);
  }

  /** The same kind of filesystem with {@code bytes} of capacity. */
  public LoopFilesystem size(long bytes) {
    if (bytes < (16L << 20)) {
      throw new IllegalArgumentException("a filesystem of " + bytes + " bytes is too small to make; ask for 16 MiB or more");
    }
    return new LoopFilesystem(type, bytes);
  }

  /** The mount point: the root directory of the filesystem. */
  public Path root() {
    if (root == null) {
      throw new IllegalStateException("the " + type.fsName() + " filesystem is not mounted outside a test's lifetime");
    }
    return root;
  }

  /**
   * A new empty directory with a unique name starting with {@code prefix} in the root: tests sharing one
   * filesystem per class each take their own.
   */
  public Path newDirectory(String prefix) throws IOException {
    return Files.createTempDirectory(root(), prefix);
  }

  public Type type() {
    return type;
  }

  public long capacity() {
    return size;
  }

  /** The image file behind the loop mount (null for tmpfs). */
  public Path image() {
    return type == Type.TMPFS ? null : directory.resolve("image");
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (root != null) {
      classDepth++;
      return;
    }
    mount();
    classDepth = 1;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (classDepth > 1) {
      classDepth--;
      return;
    }
    classDepth = 0;
    unmount();
  }

  /** As an instance field the extension sees only these two: then it lives for one test. */
  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (root == null) {
      mount();
      mountedForOneTest = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (mountedForOneTest) {
      mountedForOneTest = false;
      unmount();
    }
  }

  private void mount() throws IOException {
    Requirements.requireRoot();
    Requirements.requireTool("mount");
    Requirements.requireTool("umount");
    Requirements.requireFilesystem(type.fsName());
    List<String> mkfs = mkfsCommand();
    if (mkfs != null) {
      Requirements.requireTool(mkfs.get(0));
    }
    directory = Files.createTempDirectory("jimg-" + type.fsName() + "-");
    Path mountPoint = Files.createDirectory(directory.resolve("mnt"));
    try {
      if (type == Type.TMPFS) {
        Commands.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", mountPoint.toString());
      } else {
        Path image = directory.resolve("image");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
          file.setLength(size);
        }
        List<String> command = new ArrayList<>(mkfs);
        command.add(image.toString());
        Commands.run(command);
        Commands.run("mount", "-o", "loop", "-t", type.fsName(), image.toString(), mountPoint.toString());
      }
    } catch (RuntimeException | IOException e) {
      removeDirectory();
      throw e;
    }
    root = mountPoint;
    Path leftover = directory;
    onExit = new Thread(() -> {
      Commands.exec("umount", "-l", mountPoint.toString());
      Commands.exec("rm", "-rf", "--one-file-system", leftover.toString());
    }, "unmount " + mountPoint);
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  private List<String> mkfsCommand() {
    switch (type) {
      case BTRFS:
        return List.of("mkfs.btrfs", "-q", "-f");
      case EXT4:
        return List.of("mkfs.ext4", "-q", "-F");
      case XFS:
        return List.of("mkfs.xfs", "-q", "-f", "-m", "reflink=1");
      default:
        return null;
    }
  }

  private void unmount() throws IOException {
    if (root == null) {
      return;
    }
    Path mountPoint = root;
    root = null;
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // The JVM is already exiting: the hook unmounts.
    }
    Commands.Result result = Commands.exec("umount", mountPoint.toString());
    if (!result.succeeded()) {
      // Something still holds a file open (a leaked descriptor, a child process): detach now, free when released.
      // Say so: a test that leaves a process running on its filesystem has a leak to fix.
      System.err.println("LoopFilesystem: " + mountPoint + " was busy at the end (" + result.output().trim()
          + "); detached lazily, the " + type.fsName() + " lives on until its last user lets go");
      Commands.run("umount", "-l", mountPoint.toString());
    }
    removeDirectory();
  }

  private void removeDirectory() throws IOException {
    if (directory == null) {
      return;
    }
    Files.deleteIfExists(directory.resolve("image"));
    Files.deleteIfExists(directory.resolve("mnt"));
    Files.deleteIfExists(directory);
    directory = null;
  }

  @Override
  public String toString() {
    return "LoopFilesystem(" + type.fsName() + (root == null ? "" : " at " + root) + ")";
  }
}
