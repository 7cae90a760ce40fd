package io.jimg.cli;

import io.jimg.btrfs.Fd;
import io.jimg.images.ImageStore;
import io.jimg.runtime.Launcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
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
 * the short verbs (list, import-fs, show, clone, rename, remove, run) in-process on a small pool in a
 * scratch directory, and loads the classes of the paths it cannot take there (btrfs snapshots and quota off btrfs,
 * the nspawn engine) without running them. Every step is best effort: a step that fails (not root, no util-linux)
 * has still loaded most of what it would, and the archive only has to be a good guess.
 *
 * <p>Usage: {@code java -XX:ArchiveClassesAtExit=FILE -cp jimg.jar io.jimg.cli.Training SCRATCH_DIRECTORY}
 */
final class Training {
  /** A class of each module whose every class a short command may need. */
  private static final List<Class<?>> MODULES = List.of(Fd.class, ImageStore.class, Launcher.class, Main.class);

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
    for (Class<?> module : MODULES) {
      load(module);
    }
  }

  /** A root in miniature: directories, a file with an os-release, a symbolic link. */
  private static Path tree(Path tree) throws IOException {
    Files.createDirectories(tree.resolve("etc"));
    Files.createDirectories(tree.resolve("usr/bin"));
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
      try (Stream<Path> files = Files.walk(location)) {
        files.map(file -> location.relativize(file).toString()).forEach(names::add);
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
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
