package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.Fd;
import io.jimg.images.ImageStore;
import io.jimg.runtime.Launcher;
import io.jimg.transfer.Importer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The rule "no main-code call opens a path inside a pool or image by name with symlink following", as a scan of
 * jimg's compiled main classes (with ASM, which jnr-ffi already brings) for the JDK's calls that open, read,
 * write, copy, move or list by path and follow a symlink on the way. Files in pools and images are reached
 * through descriptors instead (Fd, ReplacementFile). Each call the scan finds must be on {@link #ALLOWED}, which
 * says why it is safe, and each entry there must still be found, so that the list never outlives the code.
 * Lambdas count as the method that holds them.
 */
class PathOpeningCallsTest {
  /** One class of each module's main code, to find where that code lies. */
  private static final List<Class<?>> MODULES = List.of(Fd.class, ImageStore.class, Importer.class, Launcher.class,
      Main.class);

  /** Owner to the names of its methods that open a path by name (constructors as {@code <init>}). */
  private static final Map<String, Set<String>> OPENING = Map.ofEntries(
      Map.entry("java/nio/file/Files", Set.of("write", "writeString", "newOutputStream", "newBufferedWriter",
          "newInputStream", "newBufferedReader", "readString", "readAllBytes", "readAllLines", "lines", "copy", "move",
          "createTempFile", "newByteChannel", "newDirectoryStream", "list", "walk", "setLastModifiedTime",
          "setPosixFilePermissions", "setOwner")),
      Map.entry("java/nio/channels/FileChannel", Set.of("open")),
      Map.entry("java/nio/channels/AsynchronousFileChannel", Set.of("open")),
      Map.entry("java/io/FileOutputStream", Set.of("<init>")),
      Map.entry("java/io/FileInputStream", Set.of("<init>")),
      Map.entry("java/io/RandomAccessFile", Set.of("<init>")),
      Map.entry("java/io/FileWriter", Set.of("<init>")),
      Map.entry("java/io/FileReader", Set.of("<init>")),
      Map.entry("java/io/PrintWriter", Set.of("<init>")),
      Map.entry("java/io/PrintStream", Set.of("<init>")),
      Map.entry("java/util/zip/ZipFile", Set.of("<init>")),
      Map.entry("java/util/jar/JarFile", Set.of("<init>")));

  /**
   * Where a call may open by path (source file under io/jimg and method), and why that is safe: each is a file the
   * user or the host names, or a descriptor's own /proc/self/fd link, never a name inside a pool or an image.
   */
  private static final Map<String, String> ALLOWED = Map.ofEntries(
      Map.entry("btrfs/TreeCopy.java#umask", "the process's own /proc/self/status"),
      Map.entry("cli/Training.java#pull", "the training key, into the scratch directory the launcher made"),
      Map.entry("cli/Training.java#tree", "a tiny root, in the scratch directory the launcher made"),
      Map.entry("cli/Training.java#load", "jimg's own class path, to load every class once"),
      Map.entry("transfer/http/CaFile.java#load", "the file the user named with --ca-file"),
      Map.entry("transfer/http/Fetcher.java#fetchSmall", "a file: URL the user named (or its sibling), as the user would"),
      Map.entry("transfer/http/Fetcher.java#copyLocal", "a file: URL the user named, as the user would"),
      Map.entry("transfer/pull/PartialDownload.java#open", "/proc/self/fd of the locked download's own descriptor"),
      Map.entry("transfer/raw/RawExport.java#write", "/proc/self/fd of the image's open descriptor"),
      Map.entry("transfer/tar/PosixAcl.java#read", "the host's /etc/passwd and /etc/group"),
      Map.entry("transfer/tar/TarImport.java#extract", "the archive the user named on the command line"),
      Map.entry("transfer/verify/TrustedKeys.java#jimgKeyrings", "lists the host's keyring directory under /etc"),
      Map.entry("transfer/verify/TrustedKeys.java#load", "keyrings the user named with --keyring, or the host's"),
      Map.entry("transfer/raw/RawImport.java#importFile", "the image the user named on the command line"));

  @Test
  void noMainCodeOpensAPathByNameBeyondTheAllowList() throws IOException, URISyntaxException {
    Map<String, Set<String>> found = new TreeMap<>();
    for (Class<?> module : MODULES) {
      Path location = Path.of(module.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (byte[] bytes : classes(location)) {
        scan(new ClassReader(bytes), found);
      }
    }
    Map<String, Set<String>> unexplained = new TreeMap<>(found);
    unexplained.keySet().removeAll(ALLOWED.keySet());
    assertEquals(Map.of(), unexplained, "calls that open a path by name, following symlinks; reach files in pools "
        + "and images through a descriptor, or add the place to ALLOWED saying why it is safe");
    Set<String> stale = new TreeSet<>(ALLOWED.keySet());
    stale.removeAll(found.keySet());
    assertEquals(Set.of(), stale, "allowed places that no longer open a path: remove them from ALLOWED");
  }

  /** The class files under a directory of classes or in a jar. */
  private static Collection<byte[]> classes(Path location) throws IOException {
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

  /** Adds {@code file#method -> calls} for each opening call (or method reference) in the class. */
  private static void scan(ClassReader reader, Map<String, Set<String>> found) {
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      private String file;

      @Override
      public void visitSource(String source, String debug) {
        String name = reader.getClassName();
        file = name.substring("io/jimg/".length(), name.lastIndexOf('/') + 1) + source;
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        String place = file + "#" + enclosing(name);
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            record(owner, method, desc);
          }

          @Override
          public void visitInvokeDynamicInsn(String method, String desc, Handle bootstrap, Object... arguments) {
            for (Object argument : arguments) {
              if (argument instanceof Handle handle) {
                record(handle.getOwner(), handle.getName(), handle.getDesc());
              }
            }
          }

          private void record(String owner, String method, String desc) {
            if (opens(owner, method, desc)) {
              found.computeIfAbsent(place, p -> new TreeSet<>()).add(owner.replace('/', '.') + "." + method);
            }
          }
        };
      }
    }, ClassReader.SKIP_FRAMES);
  }

  /** Whether a call opens a path; constructors only where they take a path or file, not a descriptor or stream. */
  private static boolean opens(String owner, String method, String desc) {
    if (!OPENING.getOrDefault(owner, Set.of()).contains(method)) {
      return false;
    }
    return !method.equals("<init>") || desc.startsWith("(Ljava/lang/String;") || desc.startsWith("(Ljava/io/File;");
  }

  /** The method a lambda ({@code lambda$NAME$N}) was written in; other names as they are. */
  private static String enclosing(String method) {
    if (method.startsWith("lambda$")) {
      String rest = method.substring("lambda$".length());
      return rest.substring(0, rest.lastIndexOf('$'));
    }
    return method;
  }
}
