package io.jimg.cli;

import io.jimg.btrfs.Fd;
import io.jimg.images.ImageStore;
import io.jimg.library.Jimg;
import io.jimg.runtime.Launcher;
import io.jimg.service.VarlinkService;
import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;

/**
 * jimg's compiled main classes, module by module, for the tests that check a rule over all of the code: read with
 * ASM, which jnr-ffi already brings. The cli module's tests see every module's classes.
 */
final class CompiledClasses {
  /** Each module, by its directory's name, with one class of its main code to find where that code lies. */
  static final Map<String, Class<?>> MODULES = Map.of("btrfs", Fd.class, "images", ImageStore.class,
      "transfer", Importer.class, "runtime", Launcher.class, "library", Jimg.class, "service", VarlinkService.class,
      "cli", Main.class);

  private CompiledClasses() {}

  /** The main classes of one module. */
  static List<ClassReader> of(String module) {
    Class<?> member = MODULES.get(module);
    if (member == null) {
      throw new IllegalArgumentException("no module " + module);
    }
    try {
      Path location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
      List<ClassReader> readers = new ArrayList<>();
      for (byte[] bytes : classFiles(location)) {
        readers.add(new ClassReader(bytes));
      }
      return readers;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The main classes of every module. */
  static List<ClassReader> all() {
    List<ClassReader> readers = new ArrayList<>();
    for (String module : MODULES.keySet()) {
      readers.addAll(of(module));
    }
    return readers;
  }

  /** Where a class was written, as {@code module/sub/File.java}: its package under io/jimg and its source file. */
  static String sourceFile(String className, String source) {
    return className.substring("io/jimg/".length(), className.lastIndexOf('/') + 1) + source;
  }

  /** The method a lambda ({@code lambda$NAME$N}) was written in; other names as they are. */
  static String enclosing(String method) {
    if (method.startsWith("lambda$")) {
      String rest = method.substring("lambda$".length());
      return rest.substring(0, rest.lastIndexOf('$'));
    }
    return method;
  }

  /** The class files under a directory of classes or in a jar. */
  private static List<byte[]> classFiles(Path location) throws IOException {
    List<byte[]> classes = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          classes.add(Files.readAllBytes(file));
        }
      }
      return classes;
    }
    try (JarFile jar = new JarFile(location.toFile())) {
      for (JarEntry entry : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
        try (InputStream in = jar.getInputStream(entry)) {
          classes.add(in.readAllBytes());
        }
      }
    }
    return classes;
  }
}
