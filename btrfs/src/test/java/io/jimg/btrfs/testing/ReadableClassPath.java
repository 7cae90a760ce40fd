package io.jimg.btrfs.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The test JVM's class path copied where any user may read it, for a child JVM run as another user (root's home,
 * where Maven keeps its repository, is root's alone). {@link #close()} removes the copy.
 */
public final class ReadableClassPath implements AutoCloseable {
  private final Path copy;
  private final String classPath;

  private ReadableClassPath(Path copy, String classPath) {
    this.copy = copy;
    this.classPath = classPath;
  }

  public static ReadableClassPath copy() throws IOException {
    Path copy = Files.createTempDirectory("jimg-classpath-"); // under /tmp, whose parents any user may search
    List<String> entries = new ArrayList<>();
    int index = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
        continue;
      }
      Path target = copy.resolve(index++ + "-" + source.getFileName());
      Commands.run("cp", "-r", source.toString(), target.toString());
      entries.add(target.toString());
    }
    Commands.run("chmod", "-R", "a+rX", copy.toString());
    return new ReadableClassPath(copy, String.join(File.pathSeparator, entries));
  }

  /** The copy, as {@code -cp} takes it. */
  public String classPath() {
    return classPath;
  }

  @Override
  public void close() {
    Commands.run("rm", "-rf", "--", copy.toString());
  }
}
