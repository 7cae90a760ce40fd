package io.jimg.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jimg.btrfs.Fd;
import io.jimg.images.ImageStore;
import io.jimg.library.Jimg;
import io.jimg.runtime.Launcher;
import io.jimg.transfer.Importer;
import io.jimg.transfer.oci.RegistriesConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The training run behind bin/jimg's class-data archive: the JVM archives the classes a run loads, so this one runs
 * the short verbs (list, import-fs, show, clone, rename, remove, run), an export and an import in each compression
 * a signed pull over HTTP and an OCI push and pull through a layout directory in-process on a small pool in a scratch directory, and loads the classes of the paths
 * it cannot take there (btrfs snapshots and quota off btrfs, the nspawn engine) without running them. Every step is
 * best effort: a step that fails (not root, no util-linux) has still loaded most of what it would, and the archive
 * only has to be a good guess.
 *
 * <p>Usage: {@code java -XX:ArchiveClassesAtExit=FILE -cp jimg.jar io.jimg.cli.Training SCRATCH_DIRECTORY}
 */
final class Training {
  /**
   * A class of each module whose every class a short command may need. Fd stands for the btrfs module, the one
   * cli otherwise never names: its classes (the native bindings jnr-ffi generates for them among them) are the
   * archive's largest gain, and only a class of that module finds its jar.
   */
  private static final List<Class<?>> MODULES =
      List.of(Fd.class, ImageStore.class, Importer.class, Launcher.class, Jimg.class, Main.class);

  private Training() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: Training SCRATCH_DIRECTORY");
      System.exit(2);
    }
    Path scratch = Path.of(args[0]);
    Path pool = Files.createDirectories(scratch.resolve("pool"));
    Path tree = tree(scratch.resolve("tree"));
    String root = "--image-root=" + pool;
    run(root, "list");
    run(root, "import-fs", tree.toString(), "trainee");
    run(root, "list");
    run(root, "show", "trainee");
    run(root, "--json", "show", "trainee");
    run(root, "clone", "trainee", "copy");
    run(root, "rename", "copy", "renamed");
    run(root, "remove", "renamed");
    run(root, "run", "-x", "--engine=chroot", "trainee", "--", "/bin/true");
    for (String suffix : List.of(".tar", ".tar.gz", ".tar.xz", ".tar.zst")) {
      String archive = scratch.resolve("trainee" + suffix).toString();
      run(root, "export-tar", "trainee", archive);
      run(root, "import-tar", archive, "imported" + suffix.replace('.', '-'));
    }
    pull(root, scratch);
    // An OCI image out and back in through a layout directory: the OCI model, its JSON and the layer stacking
    // (a registry pull shares all but the HTTP client, which the pull above has loaded).
    String layout = "oci:" + scratch.resolve("layout") + ":trainee";
    run(root, "push", "trainee", layout);
    run(root, "pull", layout, "pulled-oci");
    // Every docker:// pull and push reads registries.conf, with a TOML parser no command above loads.
    Path containers = Files.createDirectories(scratch.resolve("etc/containers"));
    Files.writeString(containers.resolve("registries.conf"), "unqualified-search-registries = [\"docker.io\"]\n"
        + "[aliases]\n\"trainee\" = \"docker.io/library/trainee\"\n");
    RegistriesConf.load(scratch);
    // Read-only images (the pull cache) would outlive the launcher's rm -rf of the scratch directory.
    run(root, "clean", "--all");
    for (Class<?> module : MODULES) {
      load(module);
    }
  }

  /**
   * A signed pull over HTTP from a server on the loopback, twice: the second finds the image unchanged on the server
   * (304) and makes it from the cache. The release (a tiny tarball, its SHA256SUMS signed by a key made for this and
   * nothing else) ships in the jar, under training/.
   */
  private static void pull(String root, Path scratch) throws IOException {
    Path keyring = scratch.resolve("training-key.gpg");
    try (InputStream key = Training.class.getResourceAsStream("training/training-key.gpg")) {
      Files.copy(key, keyring); // into the scratch directory the launcher made for this run
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", Training::serveRelease);
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/training.tar.gz";
      run(root, "pull", "--keyring=" + keyring, url, "pulled");
      run(root, "pull", "--keyring=" + keyring, url, "pulled-again");
    } finally {
      server.stop(0);
    }
  }

  /** Serves the release's files with an ETag, answering 304 to a request that names it, as nginx does. */
  private static void serveRelease(HttpExchange exchange) throws IOException {
    String name = exchange.getRequestURI().getPath().substring(1);
    try (exchange; InputStream file = name.contains("/") ? null : Training.class.getResourceAsStream("training/" + name)) {
      if (file == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = file.readAllBytes();
      String etag = "\"" + name.length() + "-" + body.length + "\"";
      exchange.getResponseHeaders().set("ETag", etag);
      if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** A root in miniature: directories, a file with an os-release, a symbolic link. */
  private static Path tree(Path tree) throws IOException {
    Files.createDirectories(tree.resolve("etc"));
    Files.createDirectories(tree.resolve("usr/bin"));
    // In the scratch directory the launcher made for this run, before any image exists.
    Files.writeString(tree.resolve("etc/os-release"), "ID=debian\nPRETTY_NAME=\"Trainee\"\n", StandardCharsets.UTF_8);
    Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
    return tree;
  }

  private static void run(String... args) {
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    Main.commandLine(Environment.ofProcess(), nowhere, nowhere, args).execute(args);
  }

  /** Loads, without initializing, every class of the jar or directory {@code member} came from. */
  private static void load(Class<?> member) throws IOException {
    ClassLoader loader = member.getClassLoader();
    Path location;
    try {
      location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) { // jimg's own class path
        files.map(file -> location.relativize(file).toString()).forEach(names::add);
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) { // jimg's own class path
        jar.stream().map(JarEntry::getName).forEach(names::add);
      }
    }
    for (String name : names) {
      if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
        try {
          Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          // a class for an optional dependency (JUnit's extension API): no short command needs it
        }
      }
    }
  }
}
