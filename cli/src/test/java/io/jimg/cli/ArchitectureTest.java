package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The modules' shape, checked on their compiled main classes: which module's code may name which other's (a
 * name in any signature, descriptor, instruction or annotation counts), and that the library never prints (its
 * events go to listeners). Each exception is on an allow-list that says why, and each entry must still be needed,
 * so that a list can only shrink.
 */
class ArchitectureTest {
  /** The cli's source files that still name io.jimg.btrfs. */
  private static final Map<String, String> CLI_NAMING_BTRFS = Map.of(
      "cli/Training.java", "class-data training exercises the native bindings themselves through one Fd, so "
          + "that their generated classes land in the archive");

  /**
   * The packages whose public types are the library's face: their public and protected members speak images,
   * never the kernel's types. The internal packages beneath them (images.spi, transfer's tar, raw, compress,
   * http, verify, pool) do the kernel work and may. A new API package is one more line here.
   */
  private static final Set<String> API_PACKAGES = Set.of(
      "io.jimg.images",
      "io.jimg.transfer",
      "io.jimg.transfer.pull",
      "io.jimg.runtime",
      "io.jimg.library");

  /** The cli's source files that still build objects of images, transfer or runtime themselves. */
  private static final Map<String, String> CLI_BUILDING_LIBRARY_OBJECTS = Map.of();

  /** The modules whose objects only the composition root, io.jimg.library, builds for the cli. */
  private static final Set<String> BUILT_BY_THE_ROOT = Set.of("images", "transfer", "runtime");

  private static final Set<String> LIBRARY = Set.of("btrfs", "images", "transfer", "runtime", "library");

  @Test
  void cliNamesNoBtrfsTypeBeyondTheAllowList() {
    assertOnlyAllowed(scan("cli").namesIn("btrfs"), CLI_NAMING_BTRFS, "cli source files that name io.jimg.btrfs");
  }

  /**
   * The cli is parsing, rendering and calls on the composition root: it makes no store, importer, puller or engine
   * of its own (no {@code new} of their types, no call of a {@code builder} method or on a builder of theirs). An
   * exception it throws, the one error type every front end shares, and a record of options it hands the root are no
   * wiring and may be made anywhere.
   */
  @Test
  void cliBuildsNoStoreTransferOrRuntimeObjectButThroughTheLibrary() {
    assertOnlyAllowed(scan("cli").building, CLI_BUILDING_LIBRARY_OBJECTS,
        "cli source files that build images, transfer or runtime objects themselves");
  }

  /** The service, too, reaches the store, the transfers and the runtime only through the composition root. */
  @Test
  void serviceBuildsNoStoreTransferOrRuntimeObjectButThroughTheLibrary() {
    assertEquals(Map.of(), scan("service").building,
        "service source files that build images, transfer or runtime objects themselves");
  }

  @Test
  void apiSignaturesNameNoBtrfsType() {
    assertEquals(Map.of(), ApiSignatures.naming(CompiledClasses.all(), API_PACKAGES, "io.jimg.btrfs"),
        "public or protected members of the API packages that name a type of io.jimg.btrfs; give the store "
            + "a type of its own, or reach the kernel through io.jimg.images.spi");
  }

  @Test
  void imagesNamesNeitherTransferNorRuntime() {
    Scan images = scan("images");
    assertEquals(Map.of(), images.namesIn("transfer"), "images source files that name io.jimg.transfer");
    assertEquals(Map.of(), images.namesIn("runtime"), "images source files that name io.jimg.runtime");
  }

  @Test
  void transferNamesNoRuntime() {
    assertEquals(Map.of(), scan("transfer").namesIn("runtime"), "transfer source files that name io.jimg.runtime");
  }

  @Test
  void runtimeNamesNoTransfer() {
    assertEquals(Map.of(), scan("runtime").namesIn("transfer"), "runtime source files that name io.jimg.transfer");
  }

  @Test
  void noLibraryModulePrints() {
    for (String module : LIBRARY) {
      assertEquals(Map.of(), scan(module).printing, module + " methods that print to System.out or System.err; "
          + "report through the listener instead");
    }
  }

  private static void assertOnlyAllowed(Map<String, Set<String>> found, Map<String, String> allowed, String what) {
    Map<String, Set<String>> unexplained = new TreeMap<>(found);
    unexplained.keySet().removeAll(allowed.keySet());
    assertEquals(Map.of(), unexplained, what + ", beyond the allow-list");
    Set<String> stale = new TreeSet<>(allowed.keySet());
    stale.removeAll(found.keySet());
    assertEquals(Set.of(), stale, "allowed entries no longer needed: remove them from the list");
  }

  /** What one module's main classes name of jimg (by source file), where they print, and what they build. */
  private record Scan(Map<String, Set<String>> names, Map<String, Set<String>> printing,
      Map<String, Set<String>> building) {
    /** Source file to the classes of another module it names. */
    Map<String, Set<String>> namesIn(String module) {
      String prefix = "io.jimg." + module + ".";
      Map<String, Set<String>> found = new TreeMap<>();
      names.forEach((file, classes) -> classes.stream().filter(name -> name.startsWith(prefix))
          .forEach(name -> found.computeIfAbsent(file, f -> new TreeSet<>()).add(name)));
      return found;
    }
  }

  private static Scan scan(String module) {
    Map<String, Set<String>> names = new TreeMap<>();
    Map<String, Set<String>> printing = new TreeMap<>();
    Map<String, Set<String>> building = new TreeMap<>();
    for (ClassReader reader : CompiledClasses.of(module)) {
      Set<String> named = new TreeSet<>();
      Set<String> printers = new TreeSet<>();
      Set<String> builders = new TreeSet<>();
      ClassVisitor observer = new ClassVisitor(Opcodes.ASM9) {
        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
          String method = CompiledClasses.enclosing(name);
          return new MethodVisitor(Opcodes.ASM9) {
            @Override
            public void visitFieldInsn(int opcode, String owner, String field, String desc) {
              if (opcode == Opcodes.GETSTATIC && owner.equals("java/lang/System")
                  && (field.equals("out") || field.equals("err"))) {
                printers.add(method + " (System." + field + ")");
              }
            }

            @Override
            public void visitTypeInsn(int opcode, String type) {
              if (opcode == Opcodes.NEW && builtByTheRoot(type) && !isThrowable(type) && !isValue(type)) {
                builders.add(method + " (new " + type.replace('/', '.') + ")");
              }
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean isInterface) {
              if (builtByTheRoot(owner) && (name.equals("builder") || owner.endsWith("$Builder"))
                  && !isValue(owner.endsWith("$Builder") ? owner.substring(0, owner.length() - 8) : owner)) {
                builders.add(method + " (" + owner.replace('/', '.') + "." + name + ")");
              }
            }
          };
        }
      };
      // The remapper sees every type name the class file holds, wherever it stands; it renames nothing.
      Remapper observingNames = new Remapper() {
        @Override
        public String map(String internalName) {
          if (internalName.startsWith("io/jimg/")) {
            named.add(internalName.replace('/', '.'));
          }
          return internalName;
        }
      };
      reader.accept(new ClassRemapper(observer, observingNames), ClassReader.SKIP_FRAMES);
      String file = file(reader);
      names.computeIfAbsent(file, f -> new TreeSet<>()).addAll(named);
      if (!printers.isEmpty()) {
        printing.computeIfAbsent(file, f -> new TreeSet<>()).addAll(printers);
      }
      if (!builders.isEmpty()) {
        building.computeIfAbsent(file, f -> new TreeSet<>()).addAll(builders);
      }
    }
    return new Scan(names, printing, building);
  }

  private static boolean builtByTheRoot(String internalName) {
    return BUILT_BY_THE_ROOT.stream().anyMatch(module -> internalName.startsWith("io/jimg/" + module + "/"));
  }

  /** Whether the class is an exception or error, by its superclasses as the compiled classes on the path say. */
  private static boolean isThrowable(String internalName) {
    return Throwable.class.isAssignableFrom(load(internalName));
  }

  /**
   * Whether the class is a record: a value the cli fills in from its options and hands the root (PullOptions), which
   * builds nothing that works; its builder is no wiring either.
   */
  private static boolean isValue(String internalName) {
    return load(internalName).isRecord();
  }

  private static Class<?> load(String internalName) {
    try {
      return Class.forName(internalName.replace('/', '.'), false, ArchitectureTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError("a class the cli names is not on the test's class path: " + internalName, e);
    }
  }

  private static String file(ClassReader reader) {
    String[] source = {null};
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public void visitSource(String name, String debug) {
        source[0] = name;
      }
    }, ClassReader.SKIP_CODE);
    return source[0] == null ? reader.getClassName() : CompiledClasses.sourceFile(reader.getClassName(), source[0]);
  }
}
