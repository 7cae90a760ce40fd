package io.jimg.btrfs;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * A test that works in a directory of its own, named after the test method, on the loop filesystem its class
 * mounts: {@link #dir} open on it, {@link #path} its path, both fresh for each test.
 */
abstract class InFreshDirectory {
  Fd dir;
  Path path;

  /** Where the class's filesystem is mounted. */
  abstract Path filesystemRoot();

  @BeforeEach
  void freshDirectory(TestInfo test) throws NativeException {
    String name = test.getTestMethod().orElseThrow().getName();
    dir = NativeTesting.freshDirectory(filesystemRoot(), name);
    path = filesystemRoot().resolve(name);
  }

  @AfterEach
  void closeDirectory() {
    dir.close();
  }
}
