package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Short classes with one job: no main source file of any module has more than 500 lines. A class that grows past
 * it is split by what it does, not trimmed of its comments. The tests run in the cli module's directory, next to
 * every other module's.
 */
class SourceFileLengthTest {
  private static final int MAX_LINES = 500;

  @Test
  void noMainSourceFileHasMoreThan500Lines() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Map<String, Long> tooLong = new TreeMap<>();
    int modules = 0;
    try (Stream<Path> children = Files.list(root)) {
      for (Path module : children.sorted().toList()) {
        Path sources = module.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
          continue;
        }
        modules++;
        for (Path file : javaFiles(sources)) {
          long lines = lines(file);
          if (lines > MAX_LINES) {
            tooLong.put(root.relativize(file).toString(), lines);
          }
        }
      }
    }
    assertTrue(modules >= CompiledClasses.MODULES.size(), "found the sources of only " + modules + " modules in "
        + root + "; the test must run in the cli module's directory");
    assertEquals(Map.of(), tooLong, "main source files over " + MAX_LINES + " lines (file=lines); split them by job");
  }

  private static List<Path> javaFiles(Path sources) throws IOException {
    try (Stream<Path> files = Files.walk(sources)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static long lines(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }
}
