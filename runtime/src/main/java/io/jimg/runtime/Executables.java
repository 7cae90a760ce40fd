package io.jimg.runtime;

import io.jimg.images.JimgException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Finds the host's helper programs by absolute path, so a payload's environment never decides which runs. */
final class Executables {
  private Executables() {}

  private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
      "/usr/bin", "/sbin", "/bin");

  static String find(String name, String packageName) throws JimgException {
    String found = locate(name);
    if (found == null) {
      throw new JimgException(JimgException.Reason.FAILED,
          "cannot find " + name + " in PATH or the system directories: install " + packageName);
    }
    return found;
  }

  static boolean isInstalled(String name) {
    return locate(name) != null;
  }

  private static String locate(String name) {
    Set<String> directories = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String directory : path.split(File.pathSeparator)) {
        if (directory.startsWith("/")) {
          directories.add(directory);
        }
      }
    }
    directories.addAll(SYSTEM_DIRECTORIES);
    for (String directory : directories) {
      Path candidate = Path.of(directory, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
