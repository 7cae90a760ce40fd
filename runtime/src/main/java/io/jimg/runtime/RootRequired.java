package io.jimg.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * An ephemeral root is root's work: a btrfs snapshot or an overlayfs mount in the pool, then a launch engine's
 * namespaces. A test JVM run by another user would fail deep inside with EACCES or EPERM on some path; it fails
 * first, saying what it needs.
 */
final class RootRequired {
  private RootRequired() {}

  /** Throws unless this process runs as root. */
  static void check() {
    check(effectiveUid());
  }

  static void check(int uid) {
    if (uid != 0) {
      throw new ExtensionConfigurationException("jimg: @EphemeralRoot needs root, and this test runs as uid " + uid
          + ": snapshots, mounts in the pool and the launch engines' namespaces are root's. Run the tests as root"
          + " (sudo mvn test, or a CI job or container that runs as root)");
    }
  }

  /** The owner of /proc/self/ (the process's directory, not the link) is its effective uid: no native call. */
  private static int effectiveUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self/"), "unix:uid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
