package io.jimg.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;

/**
 * The types that the public face of some packages names: every type in the erased descriptor and the generic
 * signature of each public or protected field, constructor, method (with its thrown exceptions) and record
 * component, and in the supertypes, of each class a caller outside the package can reach (a public top-level
 * class, or a public or protected member class of one).
 */
final class ApiSignatures {
  private static final int VISIBLE = Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED;

  private ApiSignatures() {}

  /** Each member, as {@code package.Class.member}, that names a type of package {@code named} (or beneath). */
  static Map<String, Set<String>> naming(List<ClassReader> classes, Set<String> packages, String named) {
    Map<String, Shape> shapes = new HashMap<>();
    for (ClassReader reader : classes) {
      if (packages.contains(packageOf(reader.getClassName()))) {
        shapes.put(reader.getClassName(), shape(reader));
      }
    }
    Map<String, Set<String>> found = new TreeMap<>();
    String prefix = named.replace('.', '/') + "/";
    for (ClassReader reader : classes) {
      String owner = reader.getClassName();
      if (!shapes.containsKey(owner) || !reachable(owner, shapes)) {
        continue;
      }
      reader.accept(new ClassVisitor(Opcodes.ASM9) {
        private void note(String member, Set<String> types) {
          types.stream().filter(type -> type.startsWith(prefix)).forEach(type -> found.computeIfAbsent(
              owner.replace('/', '.') + (member.isEmpty() ? "" : "." + member), m -> new TreeSet<>())
              .add(type.replace('/', '.')));
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
            String[] interfaces) {
          Set<String> types = new TreeSet<>(signature == null ? Set.of() : ofSignature(signature, false));
          if (superName != null) {
            types.add(superName);
          }
          types.addAll(List.of(interfaces));
          note("", types);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature,
            Object value) {
          if (visible(access)) {
            note(name, ofMember(descriptor, signature, true, null));
          }
          return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
          if (visible(access)) {
            note(name, ofMember(descriptor, signature, false, exceptions));
          }
          return null;
        }

        @Override
        public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
          note(name, ofMember(descriptor, signature, true, null));
          return null;
        }
      }, ClassReader.SKIP_CODE);
    }
    return found;
  }

  /** A class's own access and, for a member class, the class it is declared in. */
  private record Shape(int access, String outer, boolean nested) {}

  private static Shape shape(ClassReader reader) {
    String self = reader.getClassName();
    Shape[] shape = {new Shape(reader.getAccess(), null, false)};
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public void visitInnerClass(String name, String outerName, String innerName, int access) {
        if (name.equals(self)) {
          shape[0] = new Shape(access, outerName, true); // outerName is null for local and anonymous classes
        }
      }
    }, ClassReader.SKIP_CODE);
    return shape[0];
  }

  private static boolean reachable(String name, Map<String, Shape> shapes) {
    Shape shape = shapes.get(name);
    if (shape == null) {
      return false;
    }
    if (!shape.nested()) {
      return (shape.access() & Opcodes.ACC_PUBLIC) != 0;
    }
    return visible(shape.access()) && shape.outer() != null && reachable(shape.outer(), shapes);
  }

  private static boolean visible(int access) {
    return (access & VISIBLE) != 0 && (access & Opcodes.ACC_SYNTHETIC) == 0;
  }

  private static Set<String> ofMember(String descriptor, String signature, boolean field, String[] exceptions) {
    Set<String> types = new TreeSet<>(ofSignature(descriptor, field));
    if (signature != null) {
      types.addAll(ofSignature(signature, field));
    }
    if (exceptions != null) {
      types.addAll(List.of(exceptions));
    }
    return types;
  }

  /** The classes a descriptor or generic signature names (a descriptor is a signature without generics). */
  private static Set<String> ofSignature(String signature, boolean type) {
    Set<String> types = new TreeSet<>();
    SignatureVisitor collector = new SignatureVisitor(Opcodes.ASM9) {
      @Override
      public void visitClassType(String name) {
        types.add(name);
      }
    };
    if (type) {
      new SignatureReader(signature).acceptType(collector);
    } else {
      new SignatureReader(signature).accept(collector);
    }
    return types;
  }

  private static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
  }
}
