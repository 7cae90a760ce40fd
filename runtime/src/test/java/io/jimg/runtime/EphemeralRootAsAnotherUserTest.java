package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.ReadableClassPath;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.runtime.testing.JupiterRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** A test JVM that is not root's is told, before anything is touched, that ephemeral roots need root. */
class EphemeralRootAsAnotherUserTest {
  private static final String NEEDS_ROOT = "jimg: @EphemeralRoot needs root, and this test runs as uid ";

  /** A user's test class, run under JUnit in a child JVM as another user (the build skips nested classes). */
  static class UsersTest {
    @EphemeralRoot(value = "debian", imageRoot = "/var/lib/machines") Path root;

    @Test
    void neverRuns() {}
  }

  /** The child JVM: runs {@link UsersTest} and prints each failure's message. */
  public static void main(String[] args) {
    JupiterRun run = JupiterRun.of(UsersTest.class, Map.of());
    run.summary().getFailures().forEach(failure -> System.out.println(failure.getException().getMessage()));
  }

  @Test
  void aTestRunByAnotherUserIsToldItNeedsRoot() throws Exception {
    Requirements.requireTool("useradd");
    Requirements.requireTool("setpriv");
    String user = "jimgr" + UUID.randomUUID().toString().substring(0, 8);
    Commands.run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
    try (ReadableClassPath readable = ReadableClassPath.copy()) {
      Process child = new ProcessBuilder("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups",
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", readable.classPath(),
          EphemeralRootAsAnotherUserTest.class.getName()).redirectErrorStream(true).start();
      String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, child.waitFor(), out);
      String uid = Commands.run("id", "-u", user).strip();
      List<String> lines = out.lines().filter(line -> line.startsWith("jimg: ")).toList();
      assertEquals(List.of(NEEDS_ROOT + uid + ": snapshots, mounts in the pool and the launch engines' namespaces are"
          + " root's. Run the tests as root (sudo mvn test, or a CI job or container that runs as root)"), lines, out);
    } finally {
      Commands.run("userdel", "-r", user);
    }
  }

  @Test
  void rootPassesTheCheck() {
    RootRequired.check(0);
    assertEquals(NEEDS_ROOT + "1000:",
        assertThrows(ExtensionConfigurationException.class, () -> RootRequired.check(1000)).getMessage()
            .substring(0, NEEDS_ROOT.length() + 5));
  }
}
