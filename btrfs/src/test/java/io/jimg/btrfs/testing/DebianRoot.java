package io.jimg.btrfs.testing;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real Debian bookworm roots, built once per machine with debootstrap and cached under
 * {@value #CACHE}. A root is built in a temporary directory and renamed into place only when complete,
 * under a file lock, so concurrent JVMs build it once and nobody sees half a root.
 * <p>
 * The cached roots are shared by every test and benchmark: never change them. Copy or snapshot one first
 * (for instance {@code cp -a --reflink=auto ROOT/. TARGET} in a test); each use checks a fingerprint.
 */
public final class DebianRoot {
  private DebianRoot() {}

  public static final Path CACHE = Path.of("/var/tmp/jimg-test-roots");
  static final String SUITE = "bookworm";

  /** {@code debootstrap --variant=minbase bookworm}: about 180 MB, 6.7k entries, no init. */
  public static Path minbase() {
    return cached("minbase", List.of());
  }

  /** minbase plus systemd-sysv and dbus: a root that {@code systemd-nspawn -b} can boot. */
  public static Path bootable() {
    return cached("bootable", List.of("systemd-sysv", "dbus"));
  }

  /**
   * The root {@code name}, built where it is missing, and checked against the fingerprint recorded when it was
   * built (or first seen): a test that changed the shared root fails the next test that uses it, not silently.
   */
  private static synchronized Path cached(String name, List<String> include) {
    Path root = CACHE.resolve(name);
    Path recorded = CACHE.resolve(name + ".fingerprint");
    try {
      if (!Files.isDirectory(root) || !Files.isRegularFile(recorded)) {
        Requirements.requireRoot();
        Requirements.requireTool("debootstrap");
        Files.createDirectories(CACHE);
        try (FileChannel lockFile = FileChannel.open(CACHE.resolve("." + name + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          lockFile.lock(); // released when the channel closes
          if (!Files.isDirectory(root)) {
            build(name, include, root);
          }
          if (!Files.isRegularFile(recorded)) {
            Path writing = Files.createTempFile(CACHE, ".fingerprint-" + name + "-", "");
            Files.writeString(writing, fingerprint(root));
            Files.move(writing, recorded, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      }
      if (!fingerprint(root).equals(Files.readString(recorded))) {
        throw new AssertionError("the shared Debian root " + root + " was changed since it was built (a test"
            + " must copy or snapshot it first); remove " + root + " and " + recorded + " to rebuild it");
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build or check the Debian root " + root, e);
    }
  }

  /**
   * A digest of every entry's name, type, mode, owner, size, link target and change time: any write, chmod,
   * chown, xattr or link change moves an entry's ctime, which no caller can set back.
   */
  static String fingerprint(Path root) throws IOException {
    MessageDigest digest = sha256();
    try (Stream<Path> entries = Files.walk(root)) {
      for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
        Map<String, Object> a = Files.readAttributes(entry, "unix:mode,uid,gid,size,ctime", NOFOLLOW_LINKS);
        String link = Files.isSymbolicLink(entry) ? Files.readSymbolicLink(entry).toString() : "";
        String line = root.relativize(entry) + "\0" + a.get("mode") + " " + a.get("uid") + " " + a.get("gid")
            + " " + a.get("size") + " " + ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS) + "\0" + link + "\n";
        digest.update(line.getBytes(StandardCharsets.UTF_8));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  private static void build(String name, List<String> include, Path root) throws IOException {
    removeLeftovers(name);
    Path building = Files.createTempDirectory(CACHE, ".build-" + name + "-");
    List<String> command = new ArrayList<>(List.of(
        Requirements.findTool("debootstrap").toString(), "--variant=minbase"));
    if (!include.isEmpty()) {
      command.add("--include=" + String.join(",", include));
    }
    command.addAll(List.of(SUITE, building.toString(), mirror()));
    try {
      Commands.run(command);
      Files.move(building, root, StandardCopyOption.ATOMIC_MOVE);
    } catch (RuntimeException | IOException e) {
      remove(building);
      throw e;
    }
  }

  /** Builds that a killed JVM left behind; we hold the lock, so none is in progress. */
  private static void removeLeftovers(String name) throws IOException {
    try (Stream<Path> entries = Files.list(CACHE)) {
      for (Path leftover : (Iterable<Path>) entries::iterator) {
        if (leftover.getFileName().toString().startsWith(".build-" + name + "-")) {
          remove(leftover);
        }
      }
    }
  }

  private static void remove(Path directory) {
    // debootstrap mounts /proc and /sys inside the target while it works; a killed run may leave them behind.
    for (String mount : List.of("proc", "sys")) {
      Commands.exec("umount", "-l", directory.resolve(mount).toString());
    }
    Commands.exec("rm", "-rf", "--one-file-system", directory.toString());
  }

  /**
   * The Debian mirror this machine's apt uses (it is reachable from here), or {@code $JIMG_DEBIAN_MIRROR}: the
   * project names no mirror of its own.
   */
  static String mirror() {
    String override = System.getenv("JIMG_DEBIAN_MIRROR");
    if (override != null && !override.isBlank()) {
      return override.trim();
    }
    List<Path> sources = new ArrayList<>();
    sources.add(Path.of("/etc/apt/sources.list"));
    Path directory = Path.of("/etc/apt/sources.list.d");
    if (Files.isDirectory(directory)) {
      try (Stream<Path> entries = Files.list(directory)) {
        entries.filter(p -> p.toString().endsWith(".list") || p.toString().endsWith(".sources"))
            .sorted().forEach(sources::add);
      } catch (IOException e) {
        // No readable sources: the fallback mirror below.
      }
    }
    for (Path file : sources) {
      try {
        String found = file.toString().endsWith(".sources")
            ? AptSources.fromDeb822(Files.readString(file), SUITE)
            : AptSources.fromOneLine(Files.readString(file), SUITE);
        if (found != null) {
          return found;
        }
      } catch (IOException e) {
        // Unreadable: try the next file.
      }
    }
    throw new IllegalStateException("no Debian mirror for " + SUITE + " in /etc/apt/sources.list{,.d/*.list,.d/*"
        + ".sources}: set JIMG_DEBIAN_MIRROR to one");
  }
}
