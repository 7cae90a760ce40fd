package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
      Map.entry("cli/ManPages.java#main", "the manual pages, into the directory the build names"),
      Map.entry("cli/Training.java#main", "a registries.conf, in the scratch directory the launcher made"),
      Map.entry("cli/Training.java#pull", "the training key, into the scratch directory the launcher made"),
      Map.entry("cli/Training.java#tree", "a tiny root, in the scratch directory the launcher made"),
      Map.entry("cli/Training.java#load", "jimg's own class path, to load every class once"),
      Map.entry("transfer/http/CaFile.java#load", "the file the user named with --ca-file"),
      Map.entry("transfer/http/Fetcher.java#fetchSmall", "a file: URL the user named (or its sibling), as the user would"),
      Map.entry("transfer/http/Fetcher.java#copyLocal", "a file: URL the user named, as the user would"),
      Map.entry("transfer/pull/DownloadSession.java#open", "/proc/self/fd of the locked download's own descriptor"),
      Map.entry("transfer/raw/RawExport.java#write", "/proc/self/fd of the image's open descriptor"),
      Map.entry("transfer/Importer.java#importTar", "a pipe the user named on the command line, read once as a stream"),
      Map.entry("transfer/tar/PosixAcl.java#read", "the host's /etc/passwd and /etc/group"),
      Map.entry("transfer/tar/TarImport.java#extract", "the archive the user named on the command line"),
      Map.entry("transfer/verify/TrustedKeys.java#jimgKeyrings", "lists the host's keyring directory under /etc"),
      Map.entry("transfer/verify/TrustedKeys.java#load", "keyrings the user named with --keyring, or the host's"),
      Map.entry("transfer/raw/RawImport.java#importFile", "the image the user named on the command line"));

  @Test
  void noMainCodeOpensAPathByNameBeyondTheAllowList() {
    Map<String, Set<String>> found = new TreeMap<>();
    for (ClassReader reader : CompiledClasses.all()) {
      scan(reader, found);
    }
    Map<String, Set<String>> unexplained = new TreeMap<>(found);
    unexplained.keySet().removeAll(ALLOWED.keySet());
    assertEquals(Map.of(), unexplained, "calls that open a path by name, following symlinks; reach files in pools "
        + "and images through a descriptor, or add the place to ALLOWED saying why it is safe");
    Set<String> stale = new TreeSet<>(ALLOWED.keySet());
    stale.removeAll(found.keySet());
    assertEquals(Set.of(), stale, "allowed places that no longer open a path: remove them from ALLOWED");
  }

  /** Adds {@code file#method -> calls} for each opening call (or method reference) in the class. */
  private static void scan(ClassReader reader, Map<String, Set<String>> found) {
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      private String file;

      @Override
      public void visitSource(String source, String debug) {
        file = CompiledClasses.sourceFile(reader.getClassName(), source);
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        String place = file + "#" + CompiledClasses.enclosing(name);
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
}
