package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No mount target is resolved by string. A mount whose target is a path lets whatever lies on that path (a
 * symlink an image holds, a parent renamed meanwhile) decide where the mount lands; jimg's mounts take a
 * descriptor that is the target. Two checks keep it so: {@link Mounts}, the one class that mounts, takes no path
 * string at all, and no other class makes a mount call. Only this package can reach the libc bindings
 * ({@code Native.libc()} is package-private), so a scan of its sources sees every call there is.
 */
class MountTargetsTest {
  private static final Path SOURCES = Path.of("src/main/java/io/jimg/btrfs");
  private static final Pattern MOUNT_CALL =
      Pattern.compile("\\.(mount|umount2)\\(|SYS_(OPEN_TREE|MOVE_MOUNT|MOUNT_SETATTR|FSMOUNT|FSCONFIG)\\b");

  /** A byte[] is allowed only right after an Fd: a single name in that directory, opened without following it. */
  @Test
  void noMountTargetIsResolvedByString() {
    List<String> offending = new ArrayList<>();
    int checked = 0;
    for (Method method : Mounts.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(method.getModifiers())) {
        continue;
      }
      checked++;
      Class<?>[] types = method.getParameterTypes();
      for (int i = 0; i < types.length; i++) {
        boolean nameInDirectory = types[i] == byte[].class && i > 0 && types[i - 1] == Fd.class;
        if (CharSequence.class.isAssignableFrom(types[i]) || types[i] == Path.class
            || types[i] == byte[].class && !nameInDirectory) {
          offending.add(method.toString());
        }
      }
    }
    assertTrue(checked >= 4, "Mounts has its public methods: " + checked);
    assertEquals(List.of(), offending);
  }

  @Test
  void onlyMountsMakesMountCalls() throws IOException {
    assertTrue(Files.isRegularFile(SOURCES.resolve("Mounts.java")), "the tests run in the btrfs module");
    List<String> callers = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String name = file.getFileName().toString();
        if (name.equals("Mounts.java") || name.equals("LibC.java")) {
          continue;
        }
        if (MOUNT_CALL.matcher(Files.readString(file)).find()) {
          callers.add(name);
        }
      }
    }
    assertEquals(List.of(), callers);
    assertTrue(MOUNT_CALL.matcher("Native.libc().umount2(path, flags)").find(), "the scan sees a call");
    assertFalse(MOUNT_CALL.matcher("stat.mountId()").find(), "the scan tells a mount call from a mount id");
  }
}
